import type { RouteObject } from "react-router";

// Placeholder until the feature's pages land.
export const adminRoutes: RouteObject[] = [{ path: "admin", element: <h1>admin</h1> }];
