// The integration clients page: the list, the new key shown once, revoking only once confirmed.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { problem } from "../../test/api";
import { renderPage } from "../../test/render";
import { ClientsPage } from "./ClientsPage";

const KEY = "sk_3f9a1c2b7d4e_Zq8VhYt2nLw5RkPd0sXm4uGe";

function client(id: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name,
    scopes: ["read"],
    key_prefix: "a1b2c3d4e5f6",
    created_by: "0b6f5a9e-5d7c-4c1e-9b8a-2f3e4d5c6b7a",
    revoked_at: null,
    last_used_at: null,
    version: 1,
    created_at: "2026-10-01T12:00:00Z",
    ...extra,
  };
}

const catalogue = client("c1", "Catálogo colectivo regional", {
  scopes: ["read", "subscribe"],
  last_used_at: "2026-11-20T09:30:00Z",
  version: 2,
});
const page = { path: "/admin/clients", at: "/admin/clients" };

describe("the integration clients page", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("lists the clients with their scopes and last use", async () => {
    renderPage(<ClientsPage />, {
      ...page,
      routes: {
        "GET /api/clients": () => [
          catalogue,
          client("c2", "Portal antiguo", { revoked_at: "2026-11-01T08:00:00Z" }),
        ],
        "GET /api/users": () => [{ id: "0b6f5a9e-5d7c-4c1e-9b8a-2f3e4d5c6b7a", email: "secretaria@sirbi.example" }],
      },
    });
    const row = (await screen.findByRole("rowheader", { name: "Catálogo colectivo regional" })).closest("tr")!;
    expect(within(row).getByText("Lectura, Suscripción")).toBeInTheDocument();
    expect(await within(row).findByText("por secretaria@sirbi.example")).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: "Revocar Catálogo colectivo regional" })).toBeInTheDocument();
    const revoked = screen.getByRole("rowheader", { name: "Portal antiguo" }).closest("tr")!;
    expect(within(revoked).getByText(/^Revocada el/)).toBeInTheDocument();
    expect(within(revoked).getByText("Nunca")).toBeInTheDocument();
    expect(within(revoked).queryByRole("button")).not.toBeInTheDocument();
  });

  it("shows the new key once, to copy, and forgets it once dismissed", async () => {
    const created = client("c3", "Repositorio nacional", { scopes: ["read", "subscribe"] });
    let listed: object[] = [catalogue];
    const { sent } = renderPage(<ClientsPage />, {
      ...page,
      routes: {
        "GET /api/clients": () => listed,
        "POST /api/clients": () => {
          listed = [catalogue, created]; // the list never carries a key
          return { ...created, api_key: KEY };
        },
      },
    });
    const user = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Crear un cliente" });
    await user.type(within(form).getByLabelText("Nombre"), "Repositorio nacional");
    await user.click(within(form).getByLabelText(/^Suscripción/));
    await user.click(within(form).getByRole("button", { name: "Crear cliente" }));

    const shown = await screen.findByRole("region", { name: "Clave de API de «Repositorio nacional»" });
    const field = within(shown).getByLabelText("Clave de API");
    expect(field).toHaveValue(KEY);
    expect(field).toHaveAttribute("readonly");
    expect(within(shown).getByText("Cópielo y guárdelo ahora en un lugar seguro: no se volverá a mostrar.")).toBeInTheDocument();
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({ name: "Repositorio nacional", scopes: ["read", "subscribe"] });

    await user.click(within(shown).getByRole("button", { name: "Copiar" }));
    expect(await navigator.clipboard.readText()).toBe(KEY);
    expect(within(shown).getByRole("status")).toHaveTextContent("Copiado al portapapeles.");

    await screen.findByRole("rowheader", { name: "Repositorio nacional" });
    await user.click(within(shown).getByRole("button", { name: "Ya lo guardé" }));
    expect(screen.queryByRole("region", { name: /Clave de API/ })).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue(KEY)).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(KEY);
  });

  it("revokes a key only once confirmed, with the version it was read at", async () => {
    const { sent } = renderPage(<ClientsPage />, {
      ...page,
      routes: {
        "GET /api/clients": () => [catalogue],
        "POST /api/clients/c1/revoke": () => ({ ...catalogue, revoked_at: "2026-11-22T10:00:00Z", version: 3 }),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Revocar Catálogo colectivo regional" }));
    const confirm = screen.getByRole("alertdialog", { name: "¿Revocar la clave de «Catálogo colectivo regional»?" });
    expect(within(confirm).getByRole("button", { name: "Cancelar" })).toHaveFocus();
    expect(sent.some((r) => r.method === "POST")).toBe(false);

    await user.click(within(confirm).getByRole("button", { name: "Sí, revocar la clave" }));
    expect(await screen.findByText("Clave revocada: Catálogo colectivo regional.")).toBeInTheDocument();
    const revoke = sent.find((r) => r.method === "POST");
    expect(revoke?.path).toBe("/api/clients/c1/revoke");
    expect(revoke?.headers.get("If-Match")).toBe('"2"');
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("says a key already revoked in the page's words", async () => {
    renderPage(<ClientsPage />, {
      ...page,
      routes: {
        "GET /api/clients": () => [catalogue],
        "POST /api/clients/c1/revoke": () => problem(409, "client_revoked"),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Revocar Catálogo colectivo regional" }));
    await user.click(screen.getByRole("button", { name: "Sí, revocar la clave" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("La clave de este cliente ya estaba revocada.");
  });
});
