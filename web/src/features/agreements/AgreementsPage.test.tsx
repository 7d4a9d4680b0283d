import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import type { SentRequest } from "../../test/api";
import { renderPage, SECRETARIAT } from "../../test/render";
import { AgreementsPage } from "./AgreementsPage";

const IFLA = "0d6f7c55-31a2-4b3a-9c7e-5d1f0e3b2a10";

function row(code: string, title: string, extra: Record<string, unknown> = {}) {
  return {
    id: `id-${code}`,
    code,
    title,
    objectives: "…",
    type: "bilateral",
    areas: ["interlibrary_loan"],
    parties: [
      { kind: "member_state", ref: "PE", country: "PE", name: "Perú", signature: null },
      { kind: "member_state", ref: "CO", country: "CO", name: "Colombia", signature: null },
    ],
    start_date: "2025-01-15",
    end_date: "2027-01-14",
    renewal: { rule: "automatic", months: 24 },
    status: "in_force",
    amendments: [],
    version: 4,
    created_by: "system:seed",
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-15T00:00:00Z",
    ...extra,
  };
}

const firstPage = [
  row("DEMO-PE-CO-2025-PIB", "Convenio de préstamo interbibliotecario entre Perú y Colombia"),
  row("DEMO-MX-IFLA-2024-FORM", "Programa de formación con la IFLA", {
    type: "specific",
    status: "expired",
    end_date: null,
    parties: [
      { kind: "member_state", ref: "MX", country: "MX", name: "México", signature: null },
      { kind: "partner", ref: IFLA, country: "NL", name: "IFLA", signature: null },
    ],
  }),
];
const secondPage = [row("DEMO-ZZ-2026", "Acuerdo de la segunda página", { status: "draft" })];

const state = (code: string) => ({ code, names: { es: code, pt: code, en: code }, status: "active", version: 1, updated_at: "2026-01-01T00:00:00Z" });

const routes = {
  "GET /api/agreements/agreements": (r: SentRequest) =>
    r.query.get("cursor") === "after-first"
      ? { items: secondPage, next_cursor: null }
      : { items: firstPage, next_cursor: "after-first" },
  "GET /api/members/member-states": () => [state("PE"), state("CO"), state("MX")],
  "GET /api/agreements/partners": () => [
    { id: IFLA, name: "IFLA", kind: "international_association", country: "NL", version: 1, created_at: "x", updated_at: "x" },
  ],
};
const page = { path: "/agreements", at: "/agreements" };
const listReads = (sent: SentRequest[]) => sent.filter((r) => r.path === "/api/agreements/agreements");

describe("the agreements list", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("shows each agreement with its code, type, status, parties and term, linked to its page", async () => {
    renderPage(<AgreementsPage />, { ...page, routes });
    expect(screen.getByRole("heading", { level: 1, name: "Acuerdos" })).toBeInTheDocument();
    const link = await screen.findByRole("link", { name: "Convenio de préstamo interbibliotecario entre Perú y Colombia" });
    expect(link).toHaveAttribute("href", "/agreements/id-DEMO-PE-CO-2025-PIB");
    expect(screen.queryByText("Cargando…")).not.toBeInTheDocument();
    const peCo = screen.getByRole("row", { name: /Convenio de préstamo/ });
    expect(within(peCo).getAllByRole("cell").map((c) => c.textContent)).toEqual([
      "DEMO-PE-CO-2025-PIB",
      "Bilateral",
      "Vigente",
      "Perú, Colombia",
      "15 ene 2025 – 14 ene 2027",
    ]);
    const ifla = screen.getByRole("row", { name: /IFLA/ });
    expect(within(ifla).getByText("México, IFLA")).toBeInTheDocument();
    expect(within(ifla).getByText("Desde 15 ene 2025, sin fecha de fin")).toBeInTheDocument();
    expect(within(ifla).getByText("Vencido")).toBeInTheDocument();
  });

  it("sends the chosen filters to the service in the query string, and clears them", async () => {
    const { sent } = renderPage(<AgreementsPage />, { ...page, routes });
    const user = userEvent.setup();
    await screen.findByRole("link", { name: /Convenio de préstamo/ });
    await user.selectOptions(screen.getByLabelText("Estado"), "Vigente");
    await user.selectOptions(screen.getByLabelText("Tipo"), "Bilateral");
    await user.selectOptions(await screen.findByLabelText("País"), "Perú");
    await user.selectOptions(screen.getByLabelText("Área de cooperación"), "Préstamo interbibliotecario");
    await user.selectOptions(screen.getByLabelText("Socio externo"), "IFLA");
    await waitFor(() => {
      const query = listReads(sent).at(-1)!.query;
      expect(Object.fromEntries(query)).toEqual({
        status: "in_force",
        type: "bilateral",
        country: "PE",
        area: "interlibrary_loan",
        party: IFLA,
        limit: "25",
      });
    });
    await user.click(screen.getByRole("button", { name: "Quitar los filtros" }));
    await waitFor(() => expect(Object.fromEntries(listReads(sent).at(-1)!.query)).toEqual({ limit: "25" }));
  });

  it("goes to the next page with the cursor, and back", async () => {
    const { sent } = renderPage(<AgreementsPage />, { ...page, routes });
    const user = userEvent.setup();
    await screen.findByRole("link", { name: /Convenio de préstamo/ });
    const pages = screen.getByRole("navigation", { name: "Páginas de resultados" });
    expect(within(pages).getByRole("button", { name: "Anterior" })).toBeDisabled();
    await user.click(within(pages).getByRole("button", { name: "Siguiente" }));
    expect(await screen.findByRole("link", { name: "Acuerdo de la segunda página" })).toBeInTheDocument();
    expect(listReads(sent).at(-1)!.query.get("cursor")).toBe("after-first");
    expect(within(pages).getByText("Página 2")).toBeInTheDocument();
    expect(within(pages).getByRole("button", { name: "Siguiente" })).toBeDisabled();
    await user.click(within(pages).getByRole("button", { name: "Anterior" }));
    expect(await screen.findByRole("link", { name: /Convenio de préstamo/ })).toBeInTheDocument();
  });

  it("offers a new draft to the drafting roles only", async () => {
    renderPage(<AgreementsPage />, { ...page, principal: SECRETARIAT, routes });
    expect(await screen.findByRole("link", { name: "Nuevo borrador" })).toHaveAttribute("href", "/agreements/new");
  });

  it("offers no new draft to an observer", async () => {
    const { sent } = renderPage(<AgreementsPage />, {
      ...page,
      principal: { subject: "obs@example.org", roles: ["observer"], country: null, working_groups: [] },
      routes,
    });
    await screen.findByRole("link", { name: /Convenio de préstamo/ });
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(screen.queryByRole("link", { name: "Nuevo borrador" })).not.toBeInTheDocument();
  });
});
