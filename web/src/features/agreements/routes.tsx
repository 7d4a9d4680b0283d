import type { RouteObject } from "react-router";

// Placeholder until the feature's pages land.
export const agreementsRoutes: RouteObject[] = [{ path: "agreements", element: <h1>agreements</h1> }];
