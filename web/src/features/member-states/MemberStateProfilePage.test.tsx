import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import { problem } from "../../test/api";
import { renderPage, representativeOf } from "../../test/render";
import { MemberStateProfilePage } from "./MemberStateProfilePage";

const peru = {
  code: "PE",
  names: { es: "Perú", pt: "Peru", en: "Peru" },
  status: "active",
  status_reason: null,
  admitted_on: "2024-03-01",
  version: 4,
  updated_at: "2026-11-01T10:00:00Z",
};

function profile(overrides: Record<string, unknown> = {}) {
  return {
    code: "PE",
    member_state: { available: true, service: "members", data: peru, more: false },
    networks: { available: true, service: "members", data: [], more: false },
    directory: { available: true, service: "members", data: { total: 12040, by_status: {}, by_type: { public: 12036, national: 4 } } },
    agreements: { available: false, service: "agreements", reason: "timeout" },
    actions: { available: true, service: "roadmap", data: [] },
    ...overrides,
  };
}

const page = { path: "/member-states/:code", at: "/member-states/PE" };
const representatives = { "GET /api/members/representatives": () => ({ items: [], next_cursor: null }) };

describe("a member state's profile", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("shows each part, and marks the one whose service did not answer", async () => {
    renderPage(<MemberStateProfilePage />, {
      ...page,
      routes: { "GET /api/countries/PE/profile": () => profile(), ...representatives },
    });
    expect(await screen.findByRole("heading", { level: 1, name: "Perú" })).toBeInTheDocument();
    expect(screen.getByText("12.040 bibliotecas registradas")).toBeInTheDocument();
    expect(screen.getByText("No disponible en este momento: el servicio «agreements» no responde.")).toBeInTheDocument();
  });

  it("lets the secretariat suspend with a reason, sending the version it read", async () => {
    const { sent } = renderPage(<MemberStateProfilePage />, {
      ...page,
      routes: {
        "GET /api/countries/PE/profile": () => profile(),
        "POST /api/members/member-states/PE/suspend": () => ({ ...peru, status: "suspended", version: 5 }),
        ...representatives,
      },
    });
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText("Cambio"), "Suspender");
    await user.type(screen.getByLabelText("Motivo"), "Cuotas impagas desde 2024");
    await user.click(screen.getByRole("button", { name: "Cambiar estado" }));
    expect(await screen.findByText("Estado cambiado: Suspendido.")).toBeInTheDocument();
    const suspend = sent.find((r) => r.method === "POST");
    expect(suspend?.path).toBe("/api/members/member-states/PE/suspend");
    expect(suspend?.headers.get("If-Match")).toBe('"4"');
    expect(suspend?.body).toEqual({ reason: "Cuotas impagas desde 2024" });
  });

  it("says so when someone else changed the state first", async () => {
    renderPage(<MemberStateProfilePage />, {
      ...page,
      routes: {
        "GET /api/countries/PE/profile": () => profile(),
        "POST /api/members/member-states/PE/suspend": () => problem(412, "version_mismatch"),
        ...representatives,
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Motivo"), "Cuotas impagas");
    await user.click(screen.getByRole("button", { name: "Cambiar estado" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Otra persona cambió este registro");
  });

  it("offers no status change to a representative", async () => {
    const { sent } = renderPage(<MemberStateProfilePage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: { "GET /api/countries/PE/profile": () => profile(), ...representatives },
    });
    await screen.findByRole("heading", { level: 1, name: "Perú" });
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(screen.queryByRole("button", { name: "Cambiar estado" })).not.toBeInTheDocument();
  });
});
