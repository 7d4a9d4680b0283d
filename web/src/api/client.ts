// The one HTTP client of the app, typed from the platform's OpenAPI (schema.d.ts is generated:
// `make web-api`). Every request carries the access token; a 401 trades the refresh token once
// and the request is sent again, so a person is not signed out every 15 minutes.
import createClient from "openapi-fetch";

import { tokens } from "../auth/tokens";
import type { paths } from "./schema";

export async function authorisedFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const send = (request: Request) => {
    const token = tokens.accessToken;
    if (token !== null) request.headers.set("Authorization", `Bearer ${token}`);
    return fetch(request);
  };
  const response = await send(input);
  if (response.status !== 401 || !tokens.hasSession) return response;
  return (await tokens.refresh()) ? send(retry) : response;
}

// The gateway serves the app, so the API is on the page's own origin (spelt out: a Request needs
// an absolute URL outside the browser, as in component tests).
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "", fetch: authorisedFetch });
