import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { problem } from "../../test/api";
import { renderPage, representativeOf, SECRETARIAT } from "../../test/render";
import { BoardPage } from "./BoardPage";

const GROUP = "3516388d-8e58-403c-b37c-896c04173690";

function card(id: string, title: string, status: string, extra: Record<string, unknown> = {}) {
  return { id, title, status, lead_country: "CO", priority: "high", overdue: false, flags: [], version: 3, due_date: "2026-12-15", ...extra };
}

const board = {
  working_group_id: GROUP,
  columns: {
    proposed: [],
    planned: [card("a1", "Curso regional de catalogación", "planned")],
    in_progress: [card("a2", "Catálogo colectivo", "in_progress", { overdue: true })],
    blocked: [],
    done: [],
    cancelled: [],
  },
};

const routes = {
  "GET /api/roadmap/working-groups/3516388d-8e58-403c-b37c-896c04173690": () => ({ id: GROUP, name: "Formación" }),
  "GET /api/roadmap/working-groups/3516388d-8e58-403c-b37c-896c04173690/board": () => board,
};
const page = { path: "/roadmap/groups/:groupId", at: `/roadmap/groups/${GROUP}` };

describe("a working group's board", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("shows the actions in columns by status, the overdue ones marked in words", async () => {
    renderPage(<BoardPage />, { ...page, routes });
    const inProgress = await screen.findByRole("region", { name: /En curso/ });
    const overdue = within(inProgress).getByRole("article", { name: "Catálogo colectivo" });
    expect(within(overdue).getByText("Atrasada")).toBeInTheDocument();
    expect(within(screen.getByRole("region", { name: /Planificada/ })).getByRole("article")).toHaveAccessibleName(
      "Curso regional de catalogación",
    );
  });

  it("moves a card with the keyboard: the transition, with the version it was read at", async () => {
    const { sent } = renderPage(<BoardPage />, {
      ...page,
      routes: {
        ...routes,
        "POST /api/roadmap/actions/a1/start": () => ({ ...card("a1", "Curso regional de catalogación", "in_progress"), version: 4 }),
      },
    });
    const user = userEvent.setup();
    const planned = await screen.findByRole("article", { name: "Curso regional de catalogación" });
    await user.selectOptions(within(planned).getByLabelText("Mover a"), "En curso");
    await user.click(within(planned).getByRole("button", { name: "Mover" }));
    expect(await screen.findByText("«Curso regional de catalogación» movida a En curso.")).toBeInTheDocument();
    const start = sent.find((r) => r.method === "POST");
    expect(start?.path).toBe("/api/roadmap/actions/a1/start");
    expect(start?.headers.get("If-Match")).toBe('"3"');
  });

  it("asks a reason before blocking, and sends it", async () => {
    const { sent } = renderPage(<BoardPage />, {
      ...page,
      routes: { ...routes, "POST /api/roadmap/actions/a2/block": () => card("a2", "Catálogo colectivo", "blocked") },
    });
    const user = userEvent.setup();
    const running = await screen.findByRole("article", { name: "Catálogo colectivo" });
    await user.selectOptions(within(running).getByLabelText("Mover a"), "Bloqueada");
    await user.click(within(running).getByRole("button", { name: "Mover" }));
    expect(sent.some((r) => r.method === "POST")).toBe(false);
    await user.type(screen.getByLabelText("Motivo"), "Falta el convenio con el proveedor");
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Mover" }));
    await screen.findByText("«Catálogo colectivo» movida a Bloqueada.");
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({ reason: "Falta el convenio con el proveedor" });
  });

  it("says so when someone moved the card first", async () => {
    renderPage(<BoardPage />, {
      ...page,
      principal: SECRETARIAT,
      routes: { ...routes, "POST /api/roadmap/actions/a1/start": () => problem(412, "version_mismatch") },
    });
    const user = userEvent.setup();
    const planned = await screen.findByRole("article", { name: "Curso regional de catalogación" });
    await user.click(within(planned).getByRole("button", { name: "Mover" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Otra persona cambió este registro");
  });

  it("offers no moves to someone outside the group", async () => {
    renderPage(<BoardPage />, { ...page, principal: representativeOf("CO"), routes });
    await screen.findByRole("article", { name: "Catálogo colectivo" });
    await screen.findByRole("heading", { level: 1, name: "Formación" });
    expect(screen.queryByLabelText("Mover a")).not.toBeInTheDocument();
  });
});
