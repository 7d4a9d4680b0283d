// A national representative keeps their country's directory: finds a library by a search without
// accents, edits it (the change is the members service's, version and all), then imports a CSV
// file whose bad rows are reported with their line and reason while the good ones go in.
import { expect, test } from "@playwright/test";

import { createPerson, secretariatApi, signIn } from "./platform";

test.use({ locale: "es-PE" });

test("a representative edits a library of their country", async ({ page, baseURL }) => {
  const api = await secretariatApi(baseURL!);
  const tag = Math.random().toString(36).slice(2, 8);
  const registered = await api.post("/api/members/libraries", {
    data: {
      country: "PE",
      national_id: `BPM-${tag}`,
      name: `Biblioteca Pública Municipal de Yauyos ${tag}`,
      type: "public",
      admin_levels: ["Lima", "Yauyos", "Yauyos"],
    },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  const library = await registered.json();
  const representative = await createPerson(api, ["representative"], { country: "PE" });

  await signIn(page, representative);
  await page.getByRole("navigation", { name: "Navegación principal" }).getByRole("link", { name: "Directorio de bibliotecas" }).click();
  // Without the accent of «Pública»: the search ignores accents and case.
  await page.getByLabel("Buscar", { exact: true }).fill(`publica municipal de yauyos ${tag}`);
  await page.getByRole("button", { name: "Buscar", exact: true }).click();
  await page.getByRole("link", { name: library.name }).click();
  await expect(page.locator("main h1")).toHaveText(library.name);

  await page.getByRole("button", { name: "Editar" }).click();
  const renamed = `Biblioteca Pública Municipal «José Santos Chocano» ${tag}`;
  await page.getByLabel("Nombre", { exact: true }).fill(renamed);
  await page.getByRole("button", { name: "Guardar" }).click();
  await expect(page.getByRole("status")).toContainText("Cambios guardados.");
  await expect(page.locator("main h1")).toHaveText(renamed);

  const saved = await (await api.get(`/api/members/libraries/${library.id}`)).json();
  expect(saved.name).toBe(renamed);
  expect(saved.version).toBe(library.version + 1);
  await api.dispose();
});

test("a representative imports a CSV with bad rows and sees each one with its line and reason", async ({
  page,
  baseURL,
}) => {
  const api = await secretariatApi(baseURL!);
  const representative = await createPerson(api, ["representative"], { country: "PE" });
  const tag = Math.random().toString(36).slice(2, 8);
  const csv = [
    "national_id,name,type,admin_1,admin_2,admin_3,latitude,longitude,status,capabilities",
    `IMP-${tag}-1,Biblioteca Comunal de Los Aquijes ${tag},community,Ica,Ica,Los Aquijes,-14.097,-75.691,open,internet_access`,
    `IMP-${tag}-2,Biblioteca Escolar de La Tinguiña ${tag},biblioteca-movil,Ica,Ica,La Tinguiña,,,open,`,
    `IMP-${tag}-3,Biblioteca Municipal de Pucallpa ${tag},public,Ucayali,Coronel Portillo,Callería,,,open,public_computers;digital_content`,
    `IMP-${tag}-4,Biblioteca Pública de Yauya ${tag},public,Áncash,Carlos Fermín Fitzcarrald,Yauya,-8.99,,planned,`,
    `IMP-${tag}-5,Biblioteca Municipal de Trujillo ${tag},public,La Libertad,Trujillo,Trujillo,-8.111,-79.028,open,`,
  ].join("\n");

  await signIn(page, representative);
  await page.goto("/libraries/import");
  await expect(page.locator("main h1")).toHaveText("Importar bibliotecas");
  // A representative imports their own country's directory only.
  await expect(page.getByLabel("País")).toHaveValue("PE");
  await page.getByLabel("Archivo CSV").setInputFiles({
    name: `directorio-${tag}.csv`,
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf-8"),
  });
  await page.getByRole("button", { name: "Importar", exact: true }).click();

  const progress = page.getByRole("progressbar", { name: "Progreso de la importación" });
  await expect(progress).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Importación terminada" })).toBeVisible({ timeout: 60_000 });
  await expect(progress).toHaveAttribute("max", "5");
  await expect(progress).toHaveAttribute("value", "5");
  await expect(page.locator("#import-job-rows")).toHaveText("5 de 5 filas");
  await expect(page.getByTestId("import-summary")).toContainText("Creadas: 3");
  await expect(page.getByTestId("import-summary")).toContainText("rechazadas: 2");

  const rejected = page.getByRole("table", { name: "Filas rechazadas" });
  const rows = rejected.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).getByRole("rowheader")).toHaveText("3");
  await expect(rows.nth(0)).toContainText("type");
  await expect(rows.nth(1).getByRole("rowheader")).toHaveText("5");
  await expect(rows.nth(1)).toContainText("latitude and longitude go together");

  // The good rows are in the directory, the bad ones are not.
  const found = await (await api.get(`/api/members/libraries?country=PE&q=${tag}&limit=50`)).json();
  const ids = found.items.map((l: { national_id: string }) => l.national_id).sort();
  expect(ids).toEqual([`IMP-${tag}-1`, `IMP-${tag}-3`, `IMP-${tag}-5`]);
  await api.dispose();
});
