import type { RouteObject } from "react-router";

// Placeholder until the feature's pages land.
export const memberStatesRoutes: RouteObject[] = [{ path: "member-states", element: <h1>member-states</h1> }];
