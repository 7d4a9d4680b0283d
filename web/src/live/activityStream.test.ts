import { afterEach, describe, expect, it, vi } from "vitest";

import { followActivity, type ActivityItem, type StreamState } from "./activityStream";

function item(id: number): ActivityItem {
  return {
    id,
    type: "org.sirbi.members.library.updated.v1",
    service: "members",
    aggregate: "library",
    verb: "updated",
    countries: ["PE"],
    subject: `lib-${id}`,
    occurred_at: "2026-11-22T10:00:00Z",
    data: {},
    title: `Library updated: Biblioteca ${id}`,
  };
}

/** A response whose body is these SSE messages, then the end of the connection. */
function stream(...ids: number[]): Response {
  const text = ids.map((id) => `: ping\n\nid: ${id}\nevent: x\ndata: ${JSON.stringify(item(id))}\n\n`).join("");
  return new Response(text, { headers: { "Content-Type": "text/event-stream" } });
}

describe("the live activity stream", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("hands over each event, and reconnects from the last one it saw", async () => {
    const sent: Request[] = [];
    const answers = [stream(41, 42), new Response("down", { status: 503 }), stream(43)];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        sent.push(request);
        return answers.shift() ?? new Promise<Response>(() => undefined);
      }),
    );
    const items: number[] = [];
    const states: StreamState[] = [];
    const stop = followActivity({ onItem: (i) => items.push(i.id), onState: (s) => states.push(s), pause: () => 1 });
    await vi.waitFor(() => expect(items).toEqual([41, 42, 43]));
    stop();
    expect(sent[0]?.headers.get("Last-Event-ID")).toBeNull();
    // After the connection ended, and again after the failed attempt, it asks for what follows 42.
    expect(sent[1]?.headers.get("Last-Event-ID")).toBe("42");
    expect(sent[2]?.headers.get("Last-Event-ID")).toBe("42");
    expect(states).toEqual(["connecting", "live", "reconnecting", "reconnecting", "live", "reconnecting"].slice(0, states.length));
  });
});
