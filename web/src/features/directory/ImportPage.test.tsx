// jsdom's File has no stream(), so a request could not carry it as a body; the browser's File
// can, and so can Node's, which these tests upload instead.
import { File as BrowserFile } from "node:buffer";

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import type { components } from "../../api/schema";
import i18n from "../../i18n/i18n";
import { renderPage, representativeOf } from "../../test/render";
import { ImportPage } from "./ImportPage";

const JOB = "0b8e6a52-3f4c-4d7e-9b1a-6c2d8e0f1a23";
const CSV =
  "isil,national_id,name,type,admin_1,admin_2,admin_3,admin_4,address,latitude,longitude,status,capabilities\n" +
  "PE-LiBN,,Biblioteca Nacional del Perú,national,Lima,Lima,San Borja,,Av. De la Poesía 160,-12.0874,-77.0044,open,internet_access\n";

function job(overrides: Record<string, unknown> = {}) {
  return {
    id: JOB,
    country: "PE",
    file_name: "bibliotecas-pe.csv",
    status: "queued",
    total_rows: null,
    rows_done: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    error: null,
    started_by: "rep.pe@example.org",
    created_at: "2026-11-22T10:00:00Z",
    finished_at: null,
    progress: null,
    ...overrides,
  };
}

function csvFile(): File {
  return new BrowserFile([CSV], "bibliotecas-pe.csv", { type: "text/csv" }) as unknown as File;
}

/** Each poll of the job gets the next answer; the last one stays. */
function polls(...answers: ReturnType<typeof job>[]) {
  return () => (answers.length > 1 ? answers.shift()! : answers[0]!);
}

const state = (code: string) => ({ code, names: { es: code, pt: code, en: code }, status: "active", version: 1, updated_at: "2026-01-01T00:00:00Z" });
const page = { path: "/libraries/import", at: "/libraries/import" };
const OBSERVER = { subject: "observer@example.org", roles: ["observer"], country: null, working_groups: [] } as unknown as components["schemas"]["Me"];

describe("importing a directory", () => {
  beforeEach(() => void i18n.changeLanguage("es"));

  it("sends a representative's CSV for their own country", async () => {
    const { sent } = renderPage(<ImportPage />, {
      ...page,
      principal: representativeOf("PE"),
      routes: {
        "GET /api/members/libraries/imports": () => [],
        "POST /api/members/libraries/imports": () => job(),
        [`GET /api/members/libraries/imports/${JOB}`]: () => job(),
      },
    });
    const user = userEvent.setup();
    const country = await screen.findByLabelText("País");
    expect(within(country).getAllByRole("option").map((o) => o.textContent)).toEqual(["Perú (PE)"]);
    expect(country).toHaveValue("PE");
    await user.upload(screen.getByLabelText("Archivo CSV"), csvFile());
    await user.click(screen.getByRole("button", { name: "Importar" }));

    await screen.findByRole("progressbar", { name: "Progreso de la importación" });
    const upload = sent.find((r) => r.method === "POST");
    expect(upload?.path).toBe("/api/members/libraries/imports");
    expect(upload?.query.get("country")).toBe("PE");
    expect(upload?.query.get("file_name")).toBe("bibliotecas-pe.csv");
    expect(upload?.headers.get("Content-Type")).toBe("text/csv");
    expect(upload?.body).toBe(CSV);
    // Only their country's imports are listed.
    expect(sent.find((r) => r.method === "GET" && r.path === "/api/members/libraries/imports")?.query.get("country")).toBe("PE");
  });

  it("lets the secretariat pick the member state, then follows the job's progress to its summary", async () => {
    const { sent } = renderPage(<ImportPage />, {
      ...page,
      routes: {
        "GET /api/members/member-states": () => [state("PE"), state("CO")],
        "GET /api/members/libraries/imports": () => [],
        "POST /api/members/libraries/imports": () => job({ started_by: "secretaria@sirbi.example" }),
        [`GET /api/members/libraries/imports/${JOB}`]: polls(
          job({ status: "running", total_rows: 12000, rows_done: 4500, created: 4500 }),
          job({ status: "running", total_rows: 12000, rows_done: 9000, created: 8990, rejected: 10 }),
          job({ status: "completed", total_rows: 12000, rows_done: 12000, created: 11985, updated: 3, unchanged: 2, rejected: 10 }),
        ),
        [`GET /api/members/libraries/imports/${JOB}/rejections`]: () => ({ items: [], next_cursor: null }),
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Importar" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Elija el Estado miembro al que pertenece el directorio.");

    await user.selectOptions(screen.getByLabelText("País"), await screen.findByRole("option", { name: "Colombia (CO)" }));
    await user.upload(screen.getByLabelText("Archivo CSV"), csvFile());
    await user.click(screen.getByRole("button", { name: "Importar" }));

    const bar = await screen.findByRole("progressbar", { name: "Progreso de la importación" });
    await waitFor(() => expect(bar).toHaveAttribute("value", "4500"));
    expect(bar).toHaveAttribute("max", "12000");
    expect(screen.getByText("4500 de 12.000 filas")).toBeInTheDocument();
    await waitFor(() => expect(bar).toHaveAttribute("value", "9000"), { timeout: 3000 });
    expect(screen.getByText("9000 de 12.000 filas")).toBeInTheDocument();
    await waitFor(() => expect(bar).toHaveAttribute("value", "12000"), { timeout: 3000 });
    expect(screen.getByText("12.000 de 12.000 filas")).toBeInTheDocument();
    expect(screen.getByTestId("import-summary")).toHaveTextContent(
      "Creadas: 11.985 · actualizadas: 3 · sin cambios: 2 · rechazadas: 10",
    );
    expect(screen.getByText("Importación terminada")).toBeInTheDocument();
    expect(sent.find((r) => r.method === "POST")?.query.get("country")).toBe("CO");
    // Ended, the job is no longer asked for.
    const polled = sent.filter((r) => r.path === `/api/members/libraries/imports/${JOB}`).length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(sent.filter((r) => r.path === `/api/members/libraries/imports/${JOB}`)).toHaveLength(polled);
  });

  it("lists every rejected row of an ended import with its line and reason", async () => {
    const { sent } = renderPage(<ImportPage />, {
      ...page,
      at: `/libraries/import?job=${JOB}`,
      principal: representativeOf("PE"),
      routes: {
        "GET /api/members/libraries/imports": () => [
          job({ status: "completed", total_rows: 3, rows_done: 3, created: 1, rejected: 2 }),
        ],
        [`GET /api/members/libraries/imports/${JOB}`]: () =>
          job({ status: "completed", total_rows: 3, rows_done: 3, created: 1, rejected: 2 }),
        // The report comes a page at a time.
        [`GET /api/members/libraries/imports/${JOB}/rejections`]: (r) =>
          r.query.get("cursor") === "page-2"
            ? { items: [{ line: 4, reason: "isil: PE-XX is not a valid ISIL" }], next_cursor: null }
            : { items: [{ line: 3, reason: "name: String should have at least 1 character" }], next_cursor: "page-2" },
      },
    });
    const table = await screen.findByRole("table", { name: "Filas rechazadas" });
    const [header, ...rows] = within(table).getAllByRole("row");
    expect(within(header!).getAllByRole("columnheader").map((c) => c.textContent)).toEqual(["Línea", "Motivo"]);
    expect(rows.map((row) => [within(row).getByRole("rowheader").textContent, within(row).getByRole("cell").textContent])).toEqual([
      ["3", "name: String should have at least 1 character"],
      ["4", "isil: PE-XX is not a valid ISIL"],
    ]);
    expect(screen.getByTestId("import-summary")).toHaveTextContent("rechazadas: 2");
    expect(sent.filter((r) => r.path.endsWith("/rejections"))).toHaveLength(2);
    const recent = screen.getByRole("table", { name: "Importaciones recientes" });
    expect(within(recent).getByRole("link", { name: "bibliotecas-pe.csv" })).toHaveAttribute("aria-current", "true");
    expect(screen.queryByText("Cargando…")).not.toBeInTheDocument();
  });

  it("says why a failed import stopped", async () => {
    renderPage(<ImportPage />, {
      ...page,
      at: `/libraries/import?job=${JOB}`,
      principal: representativeOf("PE"),
      routes: {
        "GET /api/members/libraries/imports": () => [],
        [`GET /api/members/libraries/imports/${JOB}`]: () =>
          job({ status: "failed", total_rows: 3, rows_done: 1, error: "internal error: OperationalError" }),
      },
    });
    expect(await screen.findByRole("alert")).toHaveTextContent("La importación falló: internal error: OperationalError");
    expect(screen.getByRole("progressbar", { name: "Progreso de la importación" })).toHaveAttribute("value", "1");
  });

  it("offers no import to someone who may not import", async () => {
    const { sent } = renderPage(<ImportPage />, { ...page, principal: OBSERVER, routes: {} });
    await waitFor(() => expect(sent.some((r) => r.path === "/api/auth/me")).toBe(true));
    expect(
      await screen.findByText("Solo la Secretaría y los representantes nacionales pueden importar el directorio de bibliotecas."),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText("Archivo CSV")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Importar" })).not.toBeInTheDocument();
    expect(sent.some((r) => r.path.startsWith("/api/members/libraries"))).toBe(false);
  });
});
