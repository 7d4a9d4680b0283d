import type { RouteObject } from "react-router";

// Placeholder until the feature's pages land.
export const dashboardRoutes: RouteObject[] = [{ index: true, element: <h1>dashboard</h1> }];
