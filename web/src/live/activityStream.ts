// The gateway's live activity stream (Server-Sent Events). The browser's own EventSource cannot
// send the access token, so the stream is read with fetch and parsed by eventsource-parser; when
// the connection ends or fails it is opened again after a growing pause, with the id of the last
// event received in Last-Event-ID, so nothing in between is missed.
import { createParser, type EventSourceMessage } from "eventsource-parser";

import { authorisedFetch } from "../api/client";
import type { components } from "../api/schema";

export type ActivityItem = Pick<
  components["schemas"]["ActivityItem"],
  "id" | "type" | "service" | "aggregate" | "verb" | "countries" | "subject" | "occurred_at" | "data" | "title"
>;

export type StreamState = "connecting" | "live" | "reconnecting";

export type StreamOptions = {
  onItem: (item: ActivityItem) => void;
  onState?: (state: StreamState) => void;
  /** Query string of feed filters (country, service, type). */
  query?: string;
  /** For tests: how long to wait before the n-th reconnection. */
  pause?: (attempt: number) => number;
};

const defaultPause = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);

/** Follow the stream until the returned function is called. */
export function followActivity({ onItem, onState, query = "", pause = defaultPause }: StreamOptions): () => void {
  const stop = new AbortController();
  let lastId: string | null = null;

  async function readOnce(): Promise<boolean> {
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    if (lastId !== null) headers["Last-Event-ID"] = lastId;
    const url = new URL(`/api/activity/stream${query ? `?${query}` : ""}`, location.origin);
    const request = new Request(url, { headers, signal: stop.signal });
    const response = await authorisedFetch(request);
    if (!response.ok || response.body === null) return false;
    onState?.("live");
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        if (message.id) lastId = message.id;
        onItem(JSON.parse(message.data) as ActivityItem);
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      parser.feed(value);
    }
  }

  void (async () => {
    onState?.("connecting");
    for (let attempt = 0; !stop.signal.aborted; ) {
      let connected = false;
      try {
        connected = await readOnce();
      } catch {
        // the network went away, or stop() aborted the read
      }
      if (stop.signal.aborted) return;
      attempt = connected ? 0 : attempt + 1;
      onState?.("reconnecting");
      await new Promise((resume) => setTimeout(resume, pause(attempt)));
    }
  })();

  return () => stop.abort();
}
