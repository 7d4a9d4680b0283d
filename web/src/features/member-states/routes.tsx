import type { RouteObject } from "react-router";

import { MemberStateProfilePage } from "./MemberStateProfilePage";
import { MemberStatesPage } from "./MemberStatesPage";

export const memberStatesRoutes: RouteObject[] = [
  { path: "member-states", element: <MemberStatesPage /> },
  { path: "member-states/:code", element: <MemberStateProfilePage /> },
];
