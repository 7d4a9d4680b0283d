// Render a page as the app does: a signed-in person (answered by the stubbed /api/auth/me), a
// fresh query cache, and a router at the page's address.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";

import type { components } from "../api/schema";
import { AuthProvider } from "../auth/AuthProvider";
import { stubApi, type Routes, type SentRequest } from "./api";

type Principal = components["schemas"]["Me"];

export const SECRETARIAT: Principal = {
  subject: "secretaria@sirbi.example",
  roles: ["secretariat"],
  country: null,
  working_groups: [],
} as Principal;

export function representativeOf(country: string): Principal {
  return { subject: `rep.${country.toLowerCase()}@example.org`, roles: ["representative"], country, working_groups: [] } as Principal;
}

export function renderPage(
  page: ReactNode,
  { path, at, principal = SECRETARIAT, routes }: { path: string; at: string; principal?: Principal; routes: Routes },
): { sent: SentRequest[] } {
  sessionStorage.setItem("sirbi.refresh", "a-refresh-token");
  const sent = stubApi({ "GET /api/auth/me": () => principal, ...routes });
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const router = createMemoryRouter([{ path, element: page }, { path: "*", element: <p>elsewhere</p> }], {
    initialEntries: [at],
  });
  render(
    <QueryClientProvider client={queries}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>,
  );
  return { sent };
}
