import type { RouteObject } from "react-router";

// Placeholder until the feature's pages land.
export const directoryRoutes: RouteObject[] = [{ path: "libraries", element: <h1>directory</h1> }];
