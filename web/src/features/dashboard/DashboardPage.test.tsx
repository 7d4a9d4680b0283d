import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { renderPage } from "../../test/render";
import { DashboardPage } from "./DashboardPage";

const figures = {
  member_states: { total: 21, by_status: { active: 20, suspended: 1 } },
  networks: { total: 40, by_status: {} },
  libraries: { total: 15320, by_status: {}, by_type: { public: 15000, school: 320 }, by_country: { PE: 15320 } },
  agreements: { total: 5, by_status: { in_force: 2, draft: 3 } },
  actions: { total: 8, by_status: { in_progress: 3, proposed: 5 } },
  working_groups: { total: 5, by_status: {} },
  as_of: 77,
};

const state = (code: string, status: string) => ({
  code,
  names: { es: code, pt: code, en: code },
  status,
  version: 1,
  updated_at: "2026-01-01T00:00:00Z",
});

function event(id: number, aggregate: string, verb: string, title: string) {
  return {
    id,
    event_id: `e${id}`,
    source: "/sirbi/x",
    type: `org.sirbi.x.${aggregate}.${verb}.v1`,
    service: "agreements",
    aggregate,
    verb,
    subject: "s",
    countries: ["PE"],
    occurred_at: "2026-11-22T10:00:00Z",
    title,
    data: {},
  };
}

const routes = {
  "GET /api/dashboard": () => figures,
  "GET /api/members/member-states": () => [state("PE", "active"), state("CU", "suspended")],
  "GET /api/activity": () => ({ items: [event(1, "library", "updated", "Library updated: Biblioteca Municipal")] }),
  // The stream brings one event, as if another person had just signed.
  "GET /api/activity/stream": () =>
    new Response(`id: 2\nevent: x\ndata: ${JSON.stringify(event(2, "agreement", "signed", "Agreement signed: Marco"))}\n\n`, {
      headers: { "Content-Type": "text/event-stream" },
    }),
};

describe("the dashboard", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("shows the regional figures in the locale's format", async () => {
    renderPage(<DashboardPage />, { path: "/", at: "/", routes });
    const libraries = await screen.findByRole("region", { name: "Bibliotecas en el directorio" });
    expect(within(libraries).getByText("15.320")).toBeInTheDocument();
    expect(within(libraries).getByText("Escolar")).toBeInTheDocument();
    const agreements = screen.getByRole("region", { name: "Acuerdos vigentes" });
    expect(within(agreements).getByText("de 5 acuerdos")).toBeInTheDocument();
  });

  it("draws the member states with their status in words", async () => {
    renderPage(<DashboardPage />, { path: "/", at: "/", routes });
    const chart = await screen.findByRole("img", { name: /Los Estados miembros/ });
    expect(within(chart).getByText(/15\.320 bibliotecas · Activo/)).toBeInTheDocument();
    expect(within(chart).getByText(/0 bibliotecas · Suspendido/)).toBeInTheDocument();
  });

  it("puts streamed events on top of the feed, in the interface's language", async () => {
    renderPage(<DashboardPage />, { path: "/", at: "/", routes });
    const feed = await screen.findByTestId("activity-feed");
    expect(await within(feed).findByText("Acuerdo firmado por una parte")).toBeInTheDocument();
    const entries = within(feed).getAllByRole("listitem");
    expect(entries[0]).toHaveTextContent("Acuerdo firmado por una parte: Marco");
    expect(entries[1]).toHaveTextContent("Biblioteca modificada: Biblioteca Municipal");
  });
});
