// The most recent activity, kept current by the live stream: the feed's first page from the
// API, then each streamed event on top.
import { useEffect, useState } from "react";

import { api } from "../api/client";
import { unwrap } from "../api/problem";
import { followActivity, type ActivityItem, type StreamState } from "./activityStream";

export function useLiveActivity(limit = 20): { items: ActivityItem[]; state: StreamState; error: unknown } {
  const [items, setItems] = useState<ActivityItem[]>([]);
  const [state, setState] = useState<StreamState>("connecting");
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let active = true;
    api
      .GET("/api/activity", { params: { query: { limit } } })
      .then((result) => {
        const page = unwrap(result);
        if (active) setItems((streamed) => merge(streamed, page.items, limit));
      })
      .catch((e: unknown) => active && setError(e));
    const stop = followActivity({
      onItem: (item) => setItems((current) => merge([item], current, limit)),
      onState: setState,
    });
    return () => {
      active = false;
      stop();
    };
  }, [limit]);

  return { items, state, error };
}

/** Newest first, each feed position once. */
function merge(a: ActivityItem[], b: ActivityItem[], limit: number): ActivityItem[] {
  const seen = new Map<number, ActivityItem>();
  for (const item of [...a, ...b]) if (!seen.has(item.id)) seen.set(item.id, item);
  return [...seen.values()].sort((x, y) => y.id - x.id).slice(0, limit);
}
