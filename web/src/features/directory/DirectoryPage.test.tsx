import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import i18n from "../../i18n/i18n";
import type { SentRequest } from "../../test/api";
import { renderPage } from "../../test/render";
import { DirectoryPage } from "./DirectoryPage";

function library(id: string, name: string) {
  return { id, country: "PE", name, type: "public", status: "open", admin_levels: ["Lima"], admin_area: "Lima", version: 1, updated_at: "2026-01-01T00:00:00Z", isil: null, national_id: id };
}

/** Two pages for any search; the cursor of the second one names the search it belongs to. */
function search(request: SentRequest) {
  const q = request.query.get("q") ?? "";
  return request.query.get("cursor") === `${q}-2`
    ? { items: [library(`${q}-b`, `${q} segunda`)], next_cursor: null }
    : { items: [library(`${q}-a`, `${q} primera`)], next_cursor: `${q}-2` };
}

describe("the directory search", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("pages through a search, and starts a new search at its first page", async () => {
    const { sent } = renderPage(<DirectoryPage />, {
      path: "/libraries",
      at: "/libraries?q=lima",
      routes: { "GET /api/members/libraries": search, "GET /api/members/member-states": () => [] },
    });
    const user = userEvent.setup();
    expect(await screen.findByRole("link", { name: "lima primera" })).toHaveAttribute("href", "/libraries/lima-a");
    await user.click(screen.getByRole("button", { name: "Siguiente" }));
    expect(await screen.findByRole("link", { name: "lima segunda" })).toBeInTheDocument();
    expect(screen.getByText("Página 2")).toBeInTheDocument();

    const box = screen.getByLabelText("Buscar");
    await user.clear(box);
    await user.type(box, "cusco");
    await user.click(screen.getByRole("button", { name: "Buscar" }));
    expect(await screen.findByRole("link", { name: "cusco primera" })).toBeInTheDocument();
    expect(screen.getByText("Página 1")).toBeInTheDocument();
    await waitFor(() => expect(sent.filter((r) => r.query.get("q") === "cusco").every((r) => !r.query.has("cursor"))).toBe(true));
  });
});
