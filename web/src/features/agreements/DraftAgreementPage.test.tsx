import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { json, problem } from "../../test/api";
import { renderPage, representativeOf, SECRETARIAT } from "../../test/render";
import { DraftAgreementPage } from "./DraftAgreementPage";

const CERLALC = "9b2f3c1d-7e6a-4f58-8c3b-1a2d3e4f5a6b";

const state = (code: string, status = "active") => ({
  code,
  names: { es: code, pt: code, en: code },
  status,
  version: 1,
  updated_at: "2026-01-01T00:00:00Z",
});

const lists = {
  "GET /api/members/member-states": () => [state("PE"), state("CO"), state("CL"), state("CU", "suspended")],
  "GET /api/agreements/partners": () => [
    { id: CERLALC, name: "CERLALC", kind: "intergovernmental", country: "CO", version: 1, created_at: "x", updated_at: "x" },
  ],
};
const page = { path: "/agreements/new", at: "/agreements/new" };

/** Type into a text field the quick way (a paste), as the long texts would take a while key by key. */
async function enter(user: UserEvent, label: string, text: string) {
  await user.click(screen.getByLabelText(label));
  await user.paste(text);
}

async function fillTerms(user: UserEvent) {
  await enter(user, "Código", "SIRBI-PE-CO-2026-01");
  await enter(user, "Título", "Convenio de préstamo interbibliotecario");
  await enter(user, "Objetivos", "Préstamo entre ambas redes.");
  const areas = screen.getByRole("group", { name: "Áreas de cooperación" });
  await user.click(within(areas).getByLabelText("Préstamo interbibliotecario"));
  await user.click(within(areas).getByLabelText("Catálogo colectivo"));
  await user.type(screen.getByLabelText("Fecha de inicio"), "2026-03-01");
  await user.type(screen.getByLabelText("Fecha de fin"), "2028-02-29");
}

describe("drafting an agreement", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("sends the terms, parties in the order chosen, and opens the new draft", async () => {
    const { sent } = renderPage(<DraftAgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: { ...lists, "POST /api/agreements/agreements": () => json({ id: "new-id", version: 1 }, 201) },
    });
    const user = userEvent.setup();
    expect(await screen.findByRole("heading", { level: 1, name: "Nuevo borrador de acuerdo" })).toBeInTheDocument();
    const states = await screen.findByRole("group", { name: "Estados miembros" });
    // A representative's own country is a party from the start; a suspended member cannot be chosen.
    expect(await within(states).findByLabelText("Perú")).toBeChecked();
    expect(within(states).getByLabelText("Cuba (Suspendido)")).toBeDisabled();
    await user.click(within(states).getByLabelText("Colombia"));
    expect(screen.getByText("Partes elegidas, en orden: Perú, Colombia")).toBeInTheDocument();
    await fillTerms(user);
    await user.selectOptions(screen.getByLabelText("Renovación"), "Renovación automática");
    await user.type(screen.getByLabelText("Meses de cada renovación"), "24");
    await user.click(screen.getByRole("button", { name: "Guardar borrador" }));

    expect(await screen.findByText("elsewhere")).toBeInTheDocument(); // the new agreement's page
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({
      code: "SIRBI-PE-CO-2026-01",
      title: "Convenio de préstamo interbibliotecario",
      objectives: "Préstamo entre ambas redes.",
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

  it("checks the number of parties for the type before sending", async () => {
    const { sent } = renderPage(<DraftAgreementPage />, { ...page, principal: SECRETARIAT, routes: lists });
    const user = userEvent.setup();
    const states = await screen.findByRole("group", { name: "Estados miembros" });
    await user.click(await within(states).findByLabelText("Perú"));
    await user.click(within(states).getByLabelText("Colombia"));
    await user.click(within(screen.getByRole("group", { name: "Socios externos" })).getByLabelText("CERLALC"));
    await fillTerms(user);
    await user.click(screen.getByRole("button", { name: "Guardar borrador" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Revise los campos marcados.");
    expect(screen.getByRole("group", { name: "Partes" })).toHaveAccessibleDescription(
      /Un acuerdo bilateral tiene exactamente dos partes\./,
    );
    expect(sent.some((r) => r.method === "POST")).toBe(false);

    await user.selectOptions(screen.getByLabelText("Tipo de acuerdo"), "Multilateral");
    await user.click(screen.getByRole("button", { name: "Guardar borrador" }));
    expect(sent.find((r) => r.method === "POST")?.body).toMatchObject({
      type: "multilateral",
      parties: [
        { kind: "member_state", ref: "PE" },
        { kind: "member_state", ref: "CO" },
        { kind: "partner", ref: CERLALC },
      ],
    });
  });

  it("shows the service's field errors beside their fields (422)", async () => {
    renderPage(<DraftAgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: {
        ...lists,
        "POST /api/agreements/agreements": () =>
          json(
            {
              type: "x",
              title: "Unprocessable Content",
              status: 422,
              code: "validation_failed",
              errors: [{ location: ["body", "title"], message: "String should have at least 3 characters", type: "x" }],
            },
            422,
          ),
      },
    });
    const user = userEvent.setup();
    const states = await screen.findByRole("group", { name: "Estados miembros" });
    await user.click(await within(states).findByLabelText("Colombia"));
    await fillTerms(user);
    await user.click(screen.getByRole("button", { name: "Guardar borrador" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Revise los campos marcados.");
    expect(screen.getByLabelText("Título")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Título")).toHaveAccessibleDescription(
      "No válido: String should have at least 3 characters",
    );
  });

  it("says the code is taken beside the code (409)", async () => {
    renderPage(<DraftAgreementPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: { ...lists, "POST /api/agreements/agreements": () => problem(409, "agreement_code_taken") },
    });
    const user = userEvent.setup();
    const states = await screen.findByRole("group", { name: "Estados miembros" });
    await user.click(await within(states).findByLabelText("Colombia"));
    await fillTerms(user);
    await user.click(screen.getByRole("button", { name: "Guardar borrador" }));
    await screen.findByRole("alert");
    expect(screen.getByLabelText("Código")).toHaveAccessibleDescription(/Ya existe un acuerdo con este código\./);
  });

  it("is not offered to an observer", async () => {
    const { sent } = renderPage(<DraftAgreementPage />, {
      ...page,
      principal: { subject: "obs@example.org", roles: ["observer"], country: null, working_groups: [] },
      routes: lists,
    });
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(await screen.findByText("Solo la Secretaría y las representaciones nacionales redactan acuerdos.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Guardar borrador" })).not.toBeInTheDocument();
  });
});
