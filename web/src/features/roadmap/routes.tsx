import type { RouteObject } from "react-router";

// Placeholder until the feature's pages land.
export const roadmapRoutes: RouteObject[] = [{ path: "roadmap", element: <h1>roadmap</h1> }];
