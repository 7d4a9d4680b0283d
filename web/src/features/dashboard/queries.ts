import { useQuery } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

export type Dashboard = components["schemas"]["Dashboard"];

export function useDashboard() {
  return useQuery({
    queryKey: ["dashboard"],
    queryFn: async () => unwrap(await api.GET("/api/dashboard")),
    // The figures follow the same events as the feed; a minute is fresh enough for totals.
    refetchInterval: 60_000,
  });
}
