// A stand-in for the gateway in component tests: the browser code's requests are answered from a
// table of routes, and every request is recorded so a test can check what was sent. (The real
// gateway is met by the end-to-end tests.)
import { vi } from "vitest";

export type SentRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
};

type Answer = Response | object | null;
export type Routes = Record<string, (request: SentRequest) => Answer | Promise<Answer>>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type, ...headers } });
}

export function problem(status: number, code: string, detail = code): Response {
  return json({ type: "about:blank", title: code, status, code, detail }, status);
}

/** Answer "METHOD /path" routes (query strings aside); anything else is a 404 problem. */
export function stubApi(routes: Routes): SentRequest[] {
  const sent: SentRequest[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(new URL(input, location.href), init);
      const url = new URL(request.url);
      const text = request.method === "GET" ? "" : await request.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (a CSV upload): kept as text
      }
      const call = { method: request.method, path: url.pathname, query: url.searchParams, headers: request.headers, body };
      sent.push(call);
      const route = routes[`${request.method} ${url.pathname}`];
      if (!route) return problem(404, "not_found", `${request.method} ${url.pathname}`);
      const answer = await route(call);
      return answer instanceof Response ? answer : answer === null ? new Response(null, { status: 204 }) : json(answer);
    }),
  );
  return sent;
}
