// The users page against a stubbed gateway: the list in words, what creating and changing send, conflicts.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { problem } from "../../test/api";
import { renderPage, representativeOf } from "../../test/render";
import { UsersPage } from "./UsersPage";

const GROUP = "3516388d-8e58-403c-b37c-896c04173690";

function user(id: string, email: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    email,
    display_name: name,
    roles: ["observer"],
    country: null,
    working_groups: [],
    active: true,
    version: 1,
    created_at: "2026-01-10T10:00:00Z",
    updated_at: "2026-01-10T10:00:00Z",
    ...extra,
  };
}

const ana = user("u1", "ana.quispe@bnp.gob.pe", "Ana Quispe", { roles: ["representative"], country: "PE", version: 3 });
const luis = user("u2", "luis.mora@example.org", "Luis Mora", {
  roles: ["wg_coordinator", "observer"],
  working_groups: [GROUP],
  active: false,
});

const state = (code: string, es: string) => ({
  code,
  names: { es, pt: es, en: es },
  status: "active",
  version: 1,
  updated_at: "2026-01-01T00:00:00Z",
});

const routes = {
  "GET /api/users": () => [ana, luis],
  "GET /api/members/member-states": () => [state("PE", "Perú"), state("CO", "Colombia")],
  "GET /api/roadmap/working-groups": () => [{ id: GROUP, name: "Formación", countries: ["CO"], areas: [] }],
};
const page = { path: "/admin/users", at: "/admin/users" };

describe("the users page", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("lists the accounts with their roles, country and groups in words", async () => {
    renderPage(<UsersPage />, { ...page, routes });
    expect(await screen.findByRole("heading", { level: 1, name: "Usuarios" })).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Secciones de administración" })).toBeInTheDocument();
    const anaRow = (await screen.findByRole("rowheader", { name: "ana.quispe@bnp.gob.pe" })).closest("tr")!;
    expect(within(anaRow).getByText("Representante nacional")).toBeInTheDocument();
    expect(within(anaRow).getByText("Perú")).toBeInTheDocument();
    expect(within(anaRow).getByText("Activa")).toBeInTheDocument();
    const luisRow = screen.getByRole("rowheader", { name: "luis.mora@example.org" }).closest("tr")!;
    expect(within(luisRow).getByText("Coordinación de grupo, Observador")).toBeInTheDocument();
    expect(await within(luisRow).findByText("Formación")).toBeInTheDocument();
    expect(within(luisRow).getByText("Desactivada")).toBeInTheDocument();
    expect(screen.queryByText("Cargando…")).not.toBeInTheDocument();
  });

  it("creates a national representative with the country chosen", async () => {
    const { sent } = renderPage(<UsersPage />, {
      ...page,
      routes: {
        ...routes,
        "POST /api/users": (r) => ({ ...user("u3", "rep.colombia@example.org", "Representación de Colombia"), ...(r.body as object) }),
      },
    });
    const user_ = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Crear un usuario" });
    await user_.type(within(form).getByLabelText("Correo electrónico"), "rep.colombia@example.org");
    await user_.type(within(form).getByLabelText("Nombre"), "Representación de Colombia");
    await user_.type(within(form).getByLabelText("Contraseña inicial"), "una frase larga y secreta");
    const roles = within(form).getByRole("group", { name: "Funciones" });
    await user_.click(within(roles).getByLabelText("Representante nacional"));
    await screen.findByRole("option", { name: "Colombia (CO)" });
    await user_.selectOptions(within(form).getByLabelText("País"), "Colombia (CO)");
    await user_.click(within(form).getByRole("button", { name: "Crear usuario" }));

    expect(await screen.findByText("Usuario creado: rep.colombia@example.org.")).toBeInTheDocument();
    const created = sent.find((r) => r.method === "POST" && r.path === "/api/users");
    expect(created?.body).toEqual({
      email: "rep.colombia@example.org",
      display_name: "Representación de Colombia",
      password: "una frase larga y secreta",
      active: true,
      roles: ["representative"],
      country: "CO",
      working_groups: [],
    });
  });

  it("asks a working group of a group member, and sends no country", async () => {
    const { sent } = renderPage(<UsersPage />, {
      ...page,
      routes: { ...routes, "POST /api/users": (r) => ({ ...user("u4", "m@example.org", "Marta"), ...(r.body as object) }) },
    });
    const user_ = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Crear un usuario" });
    await user_.type(within(form).getByLabelText("Correo electrónico"), "m@example.org");
    await user_.type(within(form).getByLabelText("Nombre"), "Marta");
    await user_.type(within(form).getByLabelText("Contraseña inicial"), "otra frase bien larga");
    await user_.click(within(form).getByLabelText("Miembro de grupo"));
    await user_.click(within(form).getByRole("button", { name: "Crear usuario" }));
    expect(within(form).getByRole("alert")).toHaveTextContent("al menos un grupo de trabajo");
    expect(sent.some((r) => r.method === "POST")).toBe(false);

    const groups = within(form).getByRole("group", { name: "Grupos de trabajo" });
    await user_.click(await within(groups).findByLabelText("Formación"));
    await user_.click(within(form).getByRole("button", { name: "Crear usuario" }));
    await screen.findByText("Usuario creado: m@example.org.");
    expect(sent.find((r) => r.method === "POST")?.body).toMatchObject({
      roles: ["wg_member"],
      country: null,
      working_groups: [GROUP],
    });
  });

  it("changes an account with the version it was read at", async () => {
    const { sent } = renderPage(<UsersPage />, {
      ...page,
      routes: { ...routes, "PUT /api/users/u1": (r) => ({ ...ana, ...(r.body as object), version: 4 }) },
    });
    const user_ = userEvent.setup();
    await user_.click(await screen.findByRole("button", { name: "Editar Ana Quispe" }));
    const form = screen.getByRole("form", { name: "Editar: Ana Quispe" });
    await user_.click(within(form).getByLabelText("Cuenta activa (puede iniciar sesión)"));
    await user_.click(within(form).getByLabelText("Observador"));
    await user_.click(within(form).getByRole("button", { name: "Guardar" }));

    expect(await screen.findByText("Cambios guardados: Ana Quispe.")).toBeInTheDocument();
    const update = sent.find((r) => r.method === "PUT");
    expect(update?.path).toBe("/api/users/u1");
    expect(update?.headers.get("If-Match")).toBe('"3"');
    expect(update?.body).toEqual({
      display_name: "Ana Quispe",
      active: false,
      roles: ["representative", "observer"],
      country: "PE",
      working_groups: [],
    });
  });

  it("says so when someone else changed the account first", async () => {
    renderPage(<UsersPage />, {
      ...page,
      routes: { ...routes, "PUT /api/users/u1": () => problem(412, "version_mismatch") },
    });
    const user_ = userEvent.setup();
    await user_.click(await screen.findByRole("button", { name: "Editar Ana Quispe" }));
    const form = screen.getByRole("form", { name: "Editar: Ana Quispe" });
    await user_.click(within(form).getByRole("button", { name: "Guardar" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent(
      "Otra persona cambió este registro mientras lo editaba. Recargue y vuelva a intentarlo.",
    );
    expect(screen.queryByText("Cambios guardados: Ana Quispe.")).not.toBeInTheDocument();
  });

  it("says an email already taken in the page's words", async () => {
    renderPage(<UsersPage />, {
      ...page,
      routes: { ...routes, "POST /api/users": () => problem(409, "user_exists", "A user with this email exists.") },
    });
    const user_ = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Crear un usuario" });
    await user_.type(within(form).getByLabelText("Correo electrónico"), "ana.quispe@bnp.gob.pe");
    await user_.type(within(form).getByLabelText("Nombre"), "Ana otra vez");
    await user_.type(within(form).getByLabelText("Contraseña inicial"), "una frase larga y secreta");
    await user_.click(within(form).getByLabelText("Observador"));
    await user_.click(within(form).getByRole("button", { name: "Crear usuario" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("Ya existe un usuario con ese correo electrónico.");
  });

  it("tells anyone but the secretariat that the section is theirs, and asks nothing", async () => {
    const { sent } = renderPage(<UsersPage />, { ...page, principal: representativeOf("PE"), routes });
    expect(await screen.findByText("Esta sección está reservada a la Secretaría.")).toBeInTheDocument();
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(sent.some((r) => r.path === "/api/users")).toBe(false);
    expect(screen.queryByRole("form", { name: "Crear un usuario" })).not.toBeInTheDocument();
  });
});
