// The webhook subscriptions page: the list with filters and status, creating one, refusals in words.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { json } from "../../test/api";
import { renderPage } from "../../test/render";
import { WebhooksPage } from "./WebhooksPage";

function subscription(id: string, url: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    owner: "client:1c9d",
    url,
    event_types: ["*"],
    countries: [],
    description: "",
    active: true,
    disabled_reason: null,
    disabled_at: null,
    version: 1,
    created_at: "2026-10-01T12:00:00Z",
    updated_at: "2026-10-01T12:00:00Z",
    ...extra,
  };
}

const state = (code: string, es: string) => ({
  code,
  names: { es, pt: es, en: es },
  status: "active",
  version: 1,
  updated_at: "2026-01-01T00:00:00Z",
});

const failing = subscription("s2", "https://portal.example.org/hooks", {
  active: false,
  countries: ["PE", "CO"],
  disabled_reason: "endpoint failed 30 attempts in a row since 2026-11-19T10:00:00+00:00; last: 503",
  disabled_at: "2026-11-20T10:00:00Z",
});
const routes = {
  "GET /api/webhooks/subscriptions": () => [subscription("s1", "https://catalogo.example.org/sirbi"), failing],
  "GET /api/members/member-states": () => [state("PE", "Perú"), state("CO", "Colombia")],
  "GET /api/clients": () => [{ id: "1c9d", name: "Portal nacional de bibliotecas", scopes: ["subscribe"], version: 1 }],
  "GET /api/users": () => [],
};
const page = { path: "/admin/webhooks", at: "/admin/webhooks" };

describe("the webhook subscriptions page", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("lists each subscription's filters and whether it delivers, with the reason if not", async () => {
    renderPage(<WebhooksPage />, { ...page, routes });
    const row = (await screen.findByRole("rowheader", { name: "https://portal.example.org/hooks" })).closest("tr")!;
    expect(within(row).getByText("Desactivada")).toBeInTheDocument();
    expect(within(row).getByText(/Motivo: endpoint failed 30 attempts/)).toBeInTheDocument();
    expect(within(row).getByText("Perú, Colombia")).toBeInTheDocument();
    expect(within(row).getByRole("link")).toHaveAttribute("href", "/admin/webhooks/s2");
    expect(await within(row).findByText("Portal nacional de bibliotecas")).toBeInTheDocument();
    const open = screen.getByRole("rowheader", { name: "https://catalogo.example.org/sirbi" }).closest("tr")!;
    expect(within(open).getByText("Todos los países")).toBeInTheDocument();
    expect(within(open).getByText("Activa")).toBeInTheDocument();
  });

  it("creates a subscription and shows its signing secret once", async () => {
    const { sent } = renderPage(<WebhooksPage />, {
      ...page,
      routes: {
        ...routes,
        "POST /api/webhooks/subscriptions": (r) =>
          json({ ...subscription("s3", "https://repo.example.org/in"), ...(r.body as object), secret: "whsec_c2VjcmV0" }, 201),
      },
    });
    const user = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Crear una suscripción" });
    await user.type(within(form).getByLabelText("URL de destino"), "https://repo.example.org/in");
    await user.type(
      within(form).getByLabelText("Tipos de evento"),
      "org.sirbi.agreements.agreement.*\norg.sirbi.members.memberstate.admitted.v1",
    );
    await user.click(await within(form).findByLabelText("Colombia"));
    await user.click(within(form).getByRole("button", { name: "Crear suscripción" }));

    const shown = await screen.findByRole("region", { name: /Secreto de firma de/ });
    expect(within(shown).getByLabelText("Secreto de firma")).toHaveValue("whsec_c2VjcmV0");
    expect(sent.find((r) => r.method === "POST")?.body).toEqual({
      url: "https://repo.example.org/in",
      event_types: ["org.sirbi.agreements.agreement.*", "org.sirbi.members.memberstate.admitted.v1"],
      countries: ["CO"],
      description: "",
    });
  });

  it("refuses an event type the gateway would not take, before sending", async () => {
    const { sent } = renderPage(<WebhooksPage />, { ...page, routes });
    const user = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Crear una suscripción" });
    await user.type(within(form).getByLabelText("URL de destino"), "https://repo.example.org/in");
    await user.type(within(form).getByLabelText("Tipos de evento"), "agreements");
    await user.click(within(form).getByRole("button", { name: "Crear suscripción" }));
    expect(within(form).getByRole("alert")).toHaveTextContent("«agreements» no es un tipo de evento válido.");
    expect(sent.some((r) => r.method === "POST")).toBe(false);
  });

  it("says why a private address is refused, naming the host", async () => {
    renderPage(<WebhooksPage />, {
      ...page,
      routes: {
        ...routes,
        "POST /api/webhooks/subscriptions": () =>
          json(
            {
              type: "about:blank",
              title: "Unprocessable",
              status: 422,
              code: "webhook_url_not_public",
              detail: "Webhook URLs must point to a public address.",
              host: "10.0.0.5",
            },
            422,
          ),
      },
    });
    const user = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Crear una suscripción" });
    await user.type(within(form).getByLabelText("URL de destino"), "https://10.0.0.5/in");
    await user.type(within(form).getByLabelText("Tipos de evento"), "*");
    await user.click(within(form).getByRole("button", { name: "Crear suscripción" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent(
      "La URL debe apuntar a una dirección pública; «10.0.0.5» no lo es.",
    );
  });
});
