import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import i18n from "../../i18n/i18n";
import { problem, type Routes } from "../../test/api";
import { renderPage, representativeOf, SECRETARIAT } from "../../test/render";
import { AgreementPage } from "./AgreementPage";

const ID = "6f1c2a3e-0b7d-4d43-9a55-2f3f6c1e9a01";
const PATH = `/api/agreements/agreements/${ID}`;

type PartyFixture = { kind: string; ref: string; country: string | null; name: string; signature: unknown };

function party(ref: string, name: string, signed = false): PartyFixture {
  return {
    kind: "member_state",
    ref,
    country: ref,
    name,
    signature: signed ? { signatory: `Titular de ${ref}`, position: "Director(a) nacional", signed_on: "2026-02-10" } : null,
  };
}

function agreement(overrides: Record<string, unknown> = {}) {
  return {
    id: ID,
    code: "SIRBI-PE-CO-2026-01",
    title: "Convenio de préstamo interbibliotecario entre Perú y Colombia",
    objectives: "Préstamo interbibliotecario y catálogo colectivo.",
    type: "bilateral",
    areas: ["interlibrary_loan", "union_catalogue"],
    parties: [party("PE", "Perú"), party("CO", "Colombia", true)],
    start_date: "2026-03-01",
    end_date: "2028-02-29",
    renewal: { rule: "automatic", months: 24 },
    status: "partially_signed",
    status_reason: null,
    amendments: [],
    version: 3,
    created_by: "rep.co@example.org",
    created_at: "2026-01-05T15:00:00Z",
    updated_at: "2026-02-10T15:00:00Z",
    ...overrides,
  };
}

const history = [
  { version: 1, action: "drafted", actor: "rep.co@example.org", occurred_at: "2026-01-05T15:00:00Z", state: { parties: [] } },
  { version: 2, action: "proposed", actor: "rep.co@example.org", occurred_at: "2026-01-06T15:00:00Z", state: { parties: [] } },
  {
    version: 3,
    action: "signed",
    actor: "rep.co@example.org",
    occurred_at: "2026-02-10T12:00:00Z",
    state: { parties: [party("PE", "Perú"), party("CO", "Colombia", true)] },
  },
];

function routes(answer: ReturnType<typeof agreement>, extra: Routes = {}): Routes {
  return { [`GET ${PATH}`]: () => answer, [`GET ${PATH}/history`]: () => history, ...extra };
}

const page = { path: "/agreements/:agreementId", at: `/agreements/${ID}` };

async function loaded() {
  await screen.findByRole("heading", { level: 1, name: "Convenio de préstamo interbibliotecario entre Perú y Colombia" });
  await screen.findByRole("list", { name: "Historial" });
}

describe("an agreement's page", () => {
  beforeEach(() => void i18n.changeLanguage("es"));
  afterEach(() => vi.useRealTimers());

  it("shows the terms, each party's signature, and the timeline in the locale's format", async () => {
    renderPage(<AgreementPage />, { ...page, routes: routes(agreement()) });
    await loaded();
    expect(screen.queryByText("Cargando…")).not.toBeInTheDocument();
    const parties = screen.getByRole("table", { name: "Partes y firmas" });
    const colombia = within(parties).getByRole("row", { name: /Colombia/ });
    expect(colombia).toHaveTextContent("Firmado por Titular de CO (Director(a) nacional) el 10 feb 2026");
    expect(within(parties).getByRole("row", { name: /Perú/ })).toHaveTextContent("Pendiente de firma");
    expect(screen.getByText("Renovación automática por 24 meses")).toBeInTheDocument();
    expect(screen.getByText("Préstamo interbibliotecario")).toBeInTheDocument();
    // The calendar day as written, whatever the time zone of the browser.
    expect(screen.getByText("1 mar 2026")).toBeInTheDocument();

    const timeline = within(screen.getByRole("list", { name: "Historial" })).getAllByRole("listitem");
    expect(timeline.map((li) => li.querySelector("strong")?.textContent)).toEqual([
      "Borrador redactado",
      "Propuesto para firma",
      "Firmado por Colombia",
    ]);
    expect(timeline[2]).toHaveTextContent("rep.co@example.org");
    expect(timeline[2]!.querySelector("time")).toHaveAttribute("datetime", "2026-02-10T12:00:00Z");
    expect(timeline[2]!.querySelector("time")?.textContent).toMatch(/^10 feb 2026, \d{1,2}:\d{2}$/);
  });

  it("offers «Firmar» to a representative of PE when PE is a party still to sign", async () => {
    renderPage(<AgreementPage />, { ...page, principal: representativeOf("PE"), routes: routes(agreement()) });
    expect(await screen.findByRole("button", { name: "Firmar" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Cambio")).not.toBeInTheDocument();
  });

  it("offers no «Firmar» once PE has signed", async () => {
    const { sent } = renderPage(<AgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: routes(agreement({ parties: [party("PE", "Perú", true), party("CO", "Colombia")] })),
    });
    await loaded();
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(screen.getByTestId("signature-PE")).toHaveTextContent("Firmado por Titular de PE");
    expect(screen.queryByRole("button", { name: "Firmar" })).not.toBeInTheDocument();
  });

  it("offers no «Firmar» when PE is not a party, nor to sign for another country", async () => {
    const { sent } = renderPage(<AgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: routes(agreement({ parties: [party("BR", "Brasil"), party("PT", "Portugal")] })),
    });
    await loaded();
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(screen.queryByRole("button", { name: "Firmar" })).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Acciones" })).not.toBeInTheDocument();
  });

  it("signs for PE with the version it read, prefilled with today, and says so", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-20T15:00:00Z"));
    const signed = agreement({
      parties: [
        { ...party("PE", "Perú"), signature: { signatory: "Rosa Quispe", position: "Jefa Institucional", signed_on: "2026-11-20" } },
        party("CO", "Colombia", true),
      ],
      status: "in_force",
      version: 5,
    });
    let stored = agreement();
    const { sent } = renderPage(<AgreementPage />, {
      ...page,
      principal: { ...representativeOf("PE"), display_name: "Rosa Quispe" },
      routes: {
        ...routes(agreement()),
        [`GET ${PATH}`]: () => stored,
        [`POST ${PATH}/signatures`]: () => (stored = signed),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Firmar" }));
    expect(screen.getByLabelText("Parte que firma")).toHaveDisplayValue("Perú");
    expect(screen.getByLabelText("Nombre de quien firma")).toHaveValue("Rosa Quispe");
    expect(screen.getByLabelText("Fecha de firma")).toHaveValue("2026-11-20");
    await user.type(screen.getByLabelText("Cargo"), "Jefa Institucional");
    await user.click(screen.getByRole("button", { name: "Confirmar la firma" }));

    expect(await screen.findByText("Firma registrada para Perú. Estado del acuerdo: Vigente.")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Firma registrada para Perú. Estado del acuerdo: Vigente.");
    const sign = sent.find((r) => r.method === "POST");
    expect(sign?.path).toBe(`${PATH}/signatures`);
    expect(sign?.headers.get("If-Match")).toBe('"3"');
    expect(sign?.body).toEqual({
      party: "PE",
      signatory: "Rosa Quispe",
      position: "Jefa Institucional",
      signed_on: "2026-11-20",
    });
    expect(screen.getByTestId("signature-PE")).toHaveTextContent("Firmado por Rosa Quispe (Jefa Institucional) el 20 nov 2026");
  });

  it("says in its own words that the party had already signed (409)", async () => {
    renderPage(<AgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: routes(agreement(), { [`POST ${PATH}/signatures`]: () => problem(409, "already_signed") }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Firmar" }));
    await user.type(screen.getByLabelText("Nombre de quien firma"), "Rosa Quispe");
    await user.type(screen.getByLabelText("Cargo"), "Jefa Institucional");
    await user.click(screen.getByRole("button", { name: "Confirmar la firma" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Esta parte ya firmó el acuerdo: cada parte firma una sola vez.",
    );
  });

  it("says someone changed the agreement meanwhile (412) and reads it again on request", async () => {
    const { sent } = renderPage(<AgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: routes(agreement(), { [`POST ${PATH}/signatures`]: () => problem(412, "version_mismatch") }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Firmar" }));
    await user.type(screen.getByLabelText("Nombre de quien firma"), "Rosa Quispe");
    await user.type(screen.getByLabelText("Cargo"), "Jefa Institucional");
    await user.click(screen.getByRole("button", { name: "Confirmar la firma" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Otra persona cambió este registro mientras lo editaba. Recargue y vuelva a intentarlo.",
    );
    const readsBefore = sent.filter((r) => r.method === "GET" && r.path === PATH).length;
    await user.click(screen.getByRole("button", { name: "Recargar el acuerdo" }));
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
    expect(sent.filter((r) => r.method === "GET" && r.path === PATH).length).toBeGreaterThan(readsBefore);
  });

  it("lets a representative of a party propose a draft, with If-Match", async () => {
    let stored = agreement({ status: "draft", version: 1, parties: [party("PE", "Perú"), party("CO", "Colombia")] });
    const { sent } = renderPage(<AgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: {
        ...routes(stored),
        [`GET ${PATH}`]: () => stored,
        [`POST ${PATH}/propose`]: () => (stored = { ...stored, status: "proposed", version: 2 }),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Proponer para firma" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Acuerdo propuesto para firma."));
    const propose = sent.find((r) => r.method === "POST");
    expect(propose?.path).toBe(`${PATH}/propose`);
    expect(propose?.headers.get("If-Match")).toBe('"1"');
    // Now proposed: PE may sign it.
    expect(await screen.findByRole("button", { name: "Firmar" })).toBeInTheDocument();
  });

  it("lets a representative of a party edit a draft's terms, with If-Match", async () => {
    const draft = agreement({ status: "draft", version: 2, parties: [party("PE", "Perú"), party("CO", "Colombia")] });
    const { sent } = renderPage(<AgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: {
        ...routes(draft),
        "GET /api/members/member-states": () =>
          ["PE", "CO"].map((code) => ({ code, names: { es: code, pt: code, en: code }, status: "active", version: 1, updated_at: "x" })),
        "GET /api/agreements/partners": () => [],
        [`PUT ${PATH}`]: () => ({ ...draft, title: "Convenio renovado", version: 3 }),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Editar el borrador" }));
    const form = screen.getByRole("region", { name: "Editar el borrador" });
    const title = within(form).getByLabelText("Título");
    expect(title).toHaveValue("Convenio de préstamo interbibliotecario entre Perú y Colombia");
    expect(within(form).getByLabelText("Renovación")).toHaveDisplayValue("Renovación automática");
    await user.clear(title);
    await user.type(title, "Convenio renovado");
    await user.click(within(form).getByRole("button", { name: "Guardar" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Borrador guardado."));
    const put = sent.find((r) => r.method === "PUT");
    expect(put?.headers.get("If-Match")).toBe('"2"');
    expect(put?.body).toEqual({
      title: "Convenio renovado",
      objectives: "Préstamo interbibliotecario y catálogo colectivo.",
      type: "bilateral",
      areas: ["interlibrary_loan", "union_catalogue"],
      parties: [
        { kind: "member_state", ref: "PE" },
        { kind: "member_state", ref: "CO" },
      ],
      start_date: "2026-03-01",
      end_date: "2028-02-29",
      renewal: { rule: "automatic", months: 24 },
    });
  });

  it("names the parties that are not active members when proposing fails (409)", async () => {
    const draft = agreement({ status: "draft", version: 1, parties: [party("PE", "Perú"), party("CU", "Cuba")] });
    renderPage(<AgreementPage />, {
      ...page,
      routes: routes(draft, {
        [`POST ${PATH}/propose`]: () =>
          Response.json(
            { type: "x", title: "Conflict", status: 409, code: "party_not_active", parties: [{ ref: "CU", reason: "member state CU is suspended" }] },
            { status: 409, headers: { "Content-Type": "application/problem+json" } },
          ),
      }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Proponer para firma" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Toda parte Estado miembro o red nacional debe ser miembro activo de SIRBI. Partes: Cuba.",
    );
  });

  it("lets the secretariat suspend an agreement in force, with a reason", async () => {
    const inForce = agreement({ status: "in_force", version: 7, parties: [party("PE", "Perú", true), party("CO", "Colombia", true)] });
    const { sent } = renderPage(<AgreementPage />, {
      ...page,
      principal: SECRETARIAT,
      routes: routes(inForce, {
        [`POST ${PATH}/suspend`]: () => ({ ...inForce, status: "suspended", status_reason: "Obras", version: 8 }),
      }),
    });
    const user = userEvent.setup();
    const change = await screen.findByLabelText("Cambio");
    expect([...(change as HTMLSelectElement).options].map((o) => o.text)).toEqual(["Suspender", "Terminar el acuerdo"]);
    await user.type(screen.getByLabelText("Motivo"), "Obras en la biblioteca nacional");
    await user.click(screen.getByRole("button", { name: "Cambiar estado" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Estado cambiado: Suspendido."));
    const suspend = sent.find((r) => r.method === "POST");
    expect(suspend?.path).toBe(`${PATH}/suspend`);
    expect(suspend?.headers.get("If-Match")).toBe('"7"');
    expect(suspend?.body).toEqual({ reason: "Obras en la biblioteca nacional" });
  });
});
