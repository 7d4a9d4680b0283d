import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { json, problem, type SentRequest } from "../../test/api";
import { renderPage, representativeOf } from "../../test/render";
import { LibraryPage } from "./LibraryPage";

const ID = "5c0f3c6e-0d7a-4b43-9d0e-2b1a3f0c9a11";

const miraflores = {
  id: ID,
  country: "PE",
  isil: "PE-LiMIR",
  national_id: "150122-0001",
  name: "Biblioteca Municipal de Miraflores",
  type: "public",
  admin_levels: ["Lima", "Lima", "Miraflores"],
  admin_area: "Lima / Lima / Miraflores",
  address: "Av. Larco 770",
  coordinates: { latitude: -12.1211, longitude: -77.0297 },
  status: "open",
  capabilities: ["internet_access"],
  version: 7,
  updated_at: "2026-11-20T10:00:00Z",
};

const history = [
  {
    version: 1,
    action: "registered",
    actor: "rep.pe@example.org",
    occurred_at: "2026-01-10T09:00:00Z",
    state: { ...miraflores, name: "Biblioteca de Miraflores", version: 1 },
  },
  { version: 7, action: "updated", actor: "secretaria@sirbi.example", occurred_at: "2026-11-20T10:00:00Z", state: miraflores },
];

const page = { path: "/libraries/:libraryId", at: `/libraries/${ID}` };

type Stored = typeof miraflores;

/** A PUT as the service takes it: the fields replace the description, and the version goes up. */
function accept(request: SentRequest, current: Stored): Stored {
  return { ...current, ...(request.body as Partial<Stored>), version: current.version + 1 };
}

/** The members service as far as this page goes: the stored library changes with each accepted PUT. */
function directory(put: (request: SentRequest, current: Stored) => Response | Stored = accept) {
  const stored = { current: { ...miraflores } };
  const routes = {
    [`GET /api/members/libraries/${ID}`]: () => stored.current,
    [`GET /api/members/libraries/${ID}/history`]: () => history,
    [`PUT /api/members/libraries/${ID}`]: (request: SentRequest) => {
      const answer = put(request, stored.current);
      if (!(answer instanceof Response)) stored.current = answer;
      return answer;
    },
  };
  return { stored, routes };
}

describe("a library's page", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("shows the library's description and its history, newest first", async () => {
    renderPage(<LibraryPage />, { ...page, routes: directory().routes });
    expect(await screen.findByRole("heading", { level: 1, name: "Biblioteca Municipal de Miraflores" })).toBeInTheDocument();
    expect(screen.getByText("PE-LiMIR")).toBeInTheDocument();
    expect(screen.getByText("150122-0001")).toBeInTheDocument();
    expect(screen.getByText("Pública")).toBeInTheDocument();
    expect(screen.getByText("Lima › Lima › Miraflores")).toBeInTheDocument();
    expect(screen.getByText("Latitud -12,1211 · Longitud -77,0297")).toBeInTheDocument();
    expect(screen.getByText("Abierta")).toBeInTheDocument();
    expect(screen.getByText("Acceso a internet")).toBeInTheDocument();

    const changes = within(await screen.findByRole("region", { name: "Historial" })).getAllByRole("listitem");
    expect(changes).toHaveLength(2);
    expect(changes[0]).toHaveTextContent("Biblioteca modificada · versión 7");
    expect(changes[0]).toHaveTextContent("Cambió: Nombre");
    expect(changes[0]).toHaveTextContent(/secretaria@sirbi\.example, \d+ nov 2026/);
    expect(changes[1]).toHaveTextContent("Biblioteca añadida · versión 1");
    expect(changes[1]).toHaveTextContent("rep.pe@example.org");
    expect(screen.queryByText("Cargando…")).not.toBeInTheDocument();
  });

  it("offers editing to the representative of the library's country only", async () => {
    renderPage(<LibraryPage />, { ...page, principal: representativeOf("PE"), routes: directory().routes });
    expect(await screen.findByRole("button", { name: "Editar" })).toBeInTheDocument();
  });

  it("offers no editing to the representative of another country", async () => {
    const { sent } = renderPage(<LibraryPage />, { ...page, principal: representativeOf("CO"), routes: directory().routes });
    await screen.findByRole("heading", { level: 1, name: "Biblioteca Municipal de Miraflores" });
    await screen.findByText("Biblioteca modificada · versión 7");
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(screen.queryByRole("button", { name: "Editar" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Nombre")).not.toBeInTheDocument();
  });

  it("saves an edit with the version it was read at, and shows the new values", async () => {
    const { routes } = directory();
    const { sent } = renderPage(<LibraryPage />, { ...page, routes });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Editar" }));

    const name = screen.getByLabelText("Nombre");
    expect(name).toHaveFocus();
    await user.clear(name);
    await user.type(name, "Biblioteca Municipal Ricardo Palma");
    const levels = screen.getByLabelText("Ubicación administrativa");
    await user.clear(levels);
    await user.type(levels, "Lima{Enter}Lima{Enter} {Enter}Miraflores ");
    const services = screen.getByRole("group", { name: "Servicios" });
    await user.click(within(services).getByLabelText("Acceso a internet"));
    await user.click(within(services).getByLabelText("Programas de formación"));
    await user.selectOptions(screen.getByLabelText("Estado"), "Cerrada temporalmente");
    expect(within(screen.getByLabelText("Estado")).queryByRole("option", { name: "Cerrada" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Guardar" }));

    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Cambios guardados."));
    const put = sent.find((r) => r.method === "PUT");
    expect(put?.path).toBe(`/api/members/libraries/${ID}`);
    expect(put?.headers.get("If-Match")).toBe('"7"');
    expect(put?.body).toEqual({
      name: "Biblioteca Municipal Ricardo Palma",
      isil: "PE-LiMIR",
      national_id: "150122-0001",
      type: "public",
      status: "temporarily_closed",
      admin_levels: ["Lima", "Lima", "Miraflores"],
      address: "Av. Larco 770",
      coordinates: { latitude: -12.1211, longitude: -77.0297 },
      capabilities: ["training_programmes"],
    });
    expect(screen.getByRole("heading", { level: 1, name: "Biblioteca Municipal Ricardo Palma" })).toBeInTheDocument();
    expect(screen.getByText("Cerrada temporalmente")).toBeInTheDocument();
    expect(screen.getByText("Programas de formación")).toBeInTheDocument();
    expect(screen.queryByText("Acceso a internet")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Nombre")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Editar" })).toHaveFocus();
  });

  it("says so when someone else saved first, and loads their version to edit again", async () => {
    const { stored, routes } = directory((r, current) =>
      r.headers.get("If-Match") === `"${current.version}"` ? accept(r, current) : problem(412, "version_mismatch"),
    );
    const { sent } = renderPage(<LibraryPage />, { ...page, routes });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Editar" }));
    // Meanwhile, someone else saves a new address.
    stored.current = { ...miraflores, address: "Av. José Larco 770", version: 8 };
    await user.type(screen.getByLabelText("Nombre"), " (sede central)");
    await user.click(screen.getByRole("button", { name: "Guardar" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Otra persona cambió este registro mientras lo editaba. Recargue y vuelva a intentarlo.",
    );
    await user.click(screen.getByRole("button", { name: "Cargar la versión actual" }));
    expect(await screen.findByText("Se cargó la versión 8: revise los datos y vuelva a guardar.")).toBeInTheDocument();
    expect(screen.getByLabelText("Dirección")).toHaveValue("Av. José Larco 770");
    expect(screen.getByLabelText("Nombre")).toHaveValue("Biblioteca Municipal de Miraflores");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Guardar" }));
    expect(await screen.findByText("Cambios guardados.")).toBeInTheDocument();
    const puts = sent.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.headers.get("If-Match"))).toEqual(['"7"', '"8"']);
    expect(puts[1]?.body).toMatchObject({ address: "Av. José Larco 770" });
  });

  it("shows each invalid field the service names, and marks it", async () => {
    const refused = {
      type: "about:blank",
      title: "Unprocessable Content",
      status: 422,
      code: "validation_failed",
      detail: "The request has invalid fields.",
      errors: [{ location: ["body", "name"], message: "String should have at least 1 character", type: "string_too_short" }],
    };
    const { routes } = directory(() => json(refused, 422));
    renderPage(<LibraryPage />, { ...page, routes });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Editar" }));
    await user.clear(screen.getByLabelText("Nombre"));
    await user.click(screen.getByRole("button", { name: "Guardar" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Revise los datos: Nombre: String should have at least 1 character",
    );
    expect(screen.getByLabelText("Nombre")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Dirección")).not.toHaveAttribute("aria-invalid");
  });

  it("asks for both coordinates or none, without sending", async () => {
    const { sent } = renderPage(<LibraryPage />, { ...page, routes: directory().routes });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Editar" }));
    await user.clear(screen.getByLabelText("Longitud"));
    await user.click(screen.getByRole("button", { name: "Guardar" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Indique la latitud y la longitud, o deje ambas vacías.");
    expect(sent.some((r) => r.method === "PUT")).toBe(false);
  });
});
