import type { RouteObject } from "react-router";

import { ActionPage } from "./ActionPage";
import { BoardPage } from "./BoardPage";
import { RoadmapPage } from "./RoadmapPage";

export const roadmapRoutes: RouteObject[] = [
  { path: "roadmap", element: <RoadmapPage /> },
  { path: "roadmap/groups/:groupId", element: <BoardPage /> },
  { path: "roadmap/actions/:actionId", element: <ActionPage /> },
];
