// One webhook subscription: its delivery log a page at a time, redelivery, replay, enable/disable, a new secret.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { problem, type SentRequest } from "../../test/api";
import { renderPage } from "../../test/render";
import { WebhookPage } from "./WebhookPage";

const ID = "7d1f0c9e-3b2a-4f6d-9e8c-1a2b3c4d5e6f";
const BASE = `/api/webhooks/subscriptions/${ID}`;

const subscription = {
  id: ID,
  owner: "client:1c9d",
  url: "https://catalogo.example.org/sirbi/webhooks",
  event_types: ["org.sirbi.agreements.agreement.*"],
  countries: ["PE"],
  description: "Catálogo colectivo",
  active: true,
  disabled_reason: null,
  disabled_at: null,
  version: 5,
  created_at: "2026-10-01T12:00:00Z",
  updated_at: "2026-11-01T12:00:00Z",
};

function delivery(id: number, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    subscription_id: ID,
    event_id: `evt-${id}`,
    event_type: "org.sirbi.agreements.agreement.signed.v1",
    event_time: "2026-11-20T10:00:00Z",
    cause: "event",
    status,
    attempts: 1,
    last_status_code: 200,
    last_error: null,
    last_attempt_at: "2026-11-20T10:00:05Z",
    next_attempt_at: null,
    delivered_at: status === "delivered" ? "2026-11-20T10:00:05Z" : null,
    created_at: "2026-11-20T10:00:01Z",
    ...extra,
  };
}

const failed = delivery(42, "failed", { attempts: 7, last_status_code: 503, last_error: "Service Unavailable" });
const pending = delivery(43, "pending", {
  attempts: 2,
  last_status_code: null,
  last_error: "connection refused",
  next_attempt_at: "2026-11-22T11:00:00Z",
});
const delivered = delivery(41, "delivered");

function routes(extra: Record<string, (r: SentRequest) => object | Response | null> = {}) {
  return {
    [`GET ${BASE}`]: () => subscription,
    [`GET ${BASE}/history`]: () => [
      { version: 1, action: "created", actor: "client:1c9d", occurred_at: "2026-10-01T12:00:00Z", state: {} },
    ],
    [`GET ${BASE}/deliveries`]: (r: SentRequest) =>
      r.query.get("cursor") === "page-2"
        ? { items: [delivery(40, "delivered", { event_id: "evt-older" })], next_cursor: null }
        : { items: [pending, failed, delivered], next_cursor: "page-2" },
    ...extra,
  };
}
const page = { path: "/admin/webhooks/:subscriptionId", at: `/admin/webhooks/${ID}` };

async function deliveryLog() {
  const heading = await screen.findByRole("heading", { level: 2, name: "Registro de entregas" });
  return within(heading.closest("section")!);
}

describe("a webhook subscription's page", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("shows the delivery log: event, attempts, status and HTTP code, next attempt, error", async () => {
    renderPage(<WebhookPage />, { ...page, routes: routes() });
    expect(await screen.findByRole("heading", { level: 1, name: "Suscripción de webhook" })).toBeInTheDocument();
    const log = await deliveryLog();
    const failedRow = (await log.findByRole("rowheader", { name: /evt-42/ })).closest("tr")!;
    const cells = within(failedRow).getAllByRole("cell").map((c) => c.textContent);
    expect(cells).toEqual(expect.arrayContaining(["Evento", "7", "FallidaHTTP 503", "Service Unavailable"]));
    expect(within(failedRow).getByRole("button", { name: "Reenviar evt-42" })).toBeInTheDocument();

    const pendingRow = log.getByRole("rowheader", { name: /evt-43/ }).closest("tr")!;
    expect(within(pendingRow).getByText("Pendiente")).toBeInTheDocument();
    expect(within(pendingRow).getByText("connection refused")).toBeInTheDocument();
    const nextAttempt = new Intl.DateTimeFormat("es", { dateStyle: "medium", timeStyle: "short" });
    expect(within(pendingRow).getByText(nextAttempt.format(new Date("2026-11-22T11:00:00Z")))).toBeInTheDocument();
    expect(within(pendingRow).queryByRole("button")).not.toBeInTheDocument();
    expect(log.getByRole("rowheader", { name: /evt-41/ }).closest("tr")).toHaveTextContent("Entregada el");
    expect(screen.queryByText("Cargando…")).not.toBeInTheDocument();
  });

  it("asks the log a page at a time, and filters it by status", async () => {
    const { sent } = renderPage(<WebhookPage />, { ...page, routes: routes() });
    const user = userEvent.setup();
    const log = await deliveryLog();
    await log.findByRole("rowheader", { name: /evt-42/ });
    await user.click(log.getByRole("button", { name: "Siguiente" }));
    expect(await log.findByRole("rowheader", { name: /evt-older/ })).toBeInTheDocument();
    expect(log.queryByRole("rowheader", { name: /evt-42/ })).not.toBeInTheDocument();
    expect(sent.filter((r) => r.path === `${BASE}/deliveries`).at(-1)?.query.get("cursor")).toBe("page-2");

    await user.selectOptions(log.getByLabelText("Estado de la entrega"), "Fallida");
    const last = sent.filter((r) => r.path === `${BASE}/deliveries`).at(-1);
    expect(last?.query.get("status")).toBe("failed");
    expect(last?.query.get("cursor")).toBeNull();
  });

  it("sends a failed delivery again", async () => {
    const { sent } = renderPage(<WebhookPage />, {
      ...page,
      routes: routes({
        [`POST ${BASE}/deliveries/42/redeliver`]: () => ({ ...failed, id: 44, status: "pending", cause: "redelivery" }),
      }),
    });
    const user = userEvent.setup();
    const log = await deliveryLog();
    await user.click(await log.findByRole("button", { name: "Reenviar evt-42" }));
    expect(await log.findByText("El evento evt-42 volvió a la cola.")).toBeInTheDocument();
    expect(sent.some((r) => r.method === "POST" && r.path === `${BASE}/deliveries/42/redeliver`)).toBe(true);
  });

  it("replays from the time chosen, sent with its zone", async () => {
    const { sent } = renderPage(<WebhookPage />, {
      ...page,
      routes: routes({ [`POST ${BASE}/replay`]: () => ({ queued: 3 }) }),
    });
    const user = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Repetir eventos desde una fecha" });
    await user.type(within(form).getByLabelText("Desde"), "2026-11-20T08:30");
    await user.click(within(form).getByRole("button", { name: "Repetir los eventos" }));
    expect(await within(form).findByText("3 entregas puestas en cola.")).toBeInTheDocument();
    const replay = sent.find((r) => r.method === "POST" && r.path === `${BASE}/replay`);
    // The field's time is the person's own: sent as that instant, in UTC.
    expect(replay?.body).toEqual({ since: new Date(2026, 10, 20, 8, 30).toISOString() });
  });

  it("disables the subscription with the version it was read at", async () => {
    const { sent } = renderPage(<WebhookPage />, {
      ...page,
      routes: routes({
        [`POST ${BASE}/disable`]: () => ({ ...subscription, active: false, disabled_reason: "disabled by its owner", version: 6 }),
      }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Desactivar la suscripción" }));
    expect(await screen.findByText("Suscripción desactivada.")).toBeInTheDocument();
    expect(sent.find((r) => r.path === `${BASE}/disable`)?.headers.get("If-Match")).toBe('"5"');
  });

  it("shows a rotated secret once", async () => {
    const { sent } = renderPage(<WebhookPage />, {
      ...page,
      routes: routes({
        [`POST ${BASE}/rotate-secret`]: () => ({ ...subscription, version: 6, secret: "whsec_bmV3LXNlY3JldA" }),
      }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Generar un secreto nuevo" }));
    const shown = await screen.findByRole("region", { name: "Nuevo secreto de firma" });
    expect(within(shown).getByLabelText("Secreto de firma")).toHaveValue("whsec_bmV3LXNlY3JldA");
    expect(sent.find((r) => r.path === `${BASE}/rotate-secret`)?.headers.get("If-Match")).toBe('"5"');
    await user.click(within(shown).getByRole("button", { name: "Ya lo guardé" }));
    expect(screen.queryByDisplayValue("whsec_bmV3LXNlY3JldA")).not.toBeInTheDocument();
  });

  it("says an unknown subscription in the page's words", async () => {
    renderPage(<WebhookPage />, {
      ...page,
      routes: { [`GET ${BASE}`]: () => problem(404, "subscription_not_found") },
    });
    expect(await screen.findByRole("alert")).toHaveTextContent("Esa suscripción no existe.");
  });
});
