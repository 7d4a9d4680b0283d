// A national representative signs an agreement for their own country. The secretariat drafts and
// circulates a bilateral agreement between Peru and Colombia; Peru's representative signs it in
// the browser. A first try from a page read before Colombia signed is refused in words (412) and
// changes nothing; after a reload the signature goes in, and shows on the page and in the service.
import { expect, test, type APIRequestContext } from "@playwright/test";

import { createPerson, secretariatApi, signIn } from "./platform";

test.use({ locale: "es-PE" });

async function circulatedAgreement(api: APIRequestContext, tag: string): Promise<{ id: string; title: string }> {
  const title = `Convenio de préstamo interbibliotecario Perú–Colombia ${tag}`;
  const body = {
    code: `E2E-PE-CO-${tag}`,
    title,
    objectives: "Préstamo interbibliotecario y catálogo colectivo entre ambas redes.",
    type: "bilateral",
    areas: ["interlibrary_loan"],
    parties: [
      { kind: "member_state", ref: "PE" },
      { kind: "member_state", ref: "CO" },
    ],
    start_date: "2026-03-01",
    end_date: "2028-02-29",
    renewal: { rule: "none" },
  };
  // The agreements service learns the member states from the members service's events: on a
  // platform just started, a party may not be known there yet.
  let id = "";
  await expect
    .poll(async () => {
      const drafted = await api.post("/api/agreements/agreements", { data: body });
      if (drafted.status() === 201) id = (await drafted.json()).id;
      return drafted.status();
    }, { timeout: 30_000 })
    .toBe(201);
  const proposed = await api.post(`/api/agreements/agreements/${id}/propose`, { headers: { "If-Match": '"1"' } });
  expect(proposed.status(), await proposed.text()).toBe(200);
  return { id, title };
}

test("a representative signs an agreement for their country", async ({ page, baseURL }) => {
  const api = await secretariatApi(baseURL!);
  const tag = Math.random().toString(36).slice(2, 8);
  const agreement = await circulatedAgreement(api, tag);
  const representative = await createPerson(api, ["representative"], { country: "PE" });

  await signIn(page, representative);
  await page.getByRole("navigation", { name: "Navegación principal" }).getByRole("link", { name: "Acuerdos" }).click();
  await page.getByRole("link", { name: agreement.title }).click();
  await expect(page.locator("main h1")).toContainText(agreement.title);
  await expect(page.getByTestId("signature-PE")).toHaveText("Pendiente de firma");

  // Meanwhile Colombia signs (through the API): the page now shows what it read before that.
  const colombia = await api.post(`/api/agreements/agreements/${agreement.id}/signatures`, {
    headers: { "If-Match": '"2"' },
    data: { party: "CO", signatory: "Biblioteca Nacional de Colombia", position: "Dirección" },
  });
  expect(colombia.status(), await colombia.text()).toBe(200);

  // Signing from the stale page is refused by version, in words; nothing is signed for Peru.
  await page.getByRole("button", { name: "Firmar", exact: true }).click();
  await page.getByLabel("Cargo").fill("Directora");
  await page.getByRole("button", { name: "Confirmar la firma" }).click();
  await expect(page.getByRole("alert")).toContainText("Otra persona cambió este registro");
  const refused = await (await api.get(`/api/agreements/agreements/${agreement.id}`)).json();
  expect(refused.parties.find((p: { ref: string }) => p.ref === "PE").signature).toBeNull();
  await page.getByRole("button", { name: "Recargar el acuerdo" }).click();
  await expect(page.getByTestId("signature-CO")).toContainText("Firmado por Biblioteca Nacional de Colombia");

  // The signing form stays open over the agreement read again: the person confirms once more.
  await expect(page.getByRole("button", { name: "Firmar", exact: true })).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByLabel("Parte que firma")).toContainText("Perú");
  // Colombia's signature is not the representative of Peru's to give.
  await expect(page.getByLabel("Parte que firma").locator("option")).toHaveCount(1);
  await page.getByLabel("Nombre de quien firma").fill("Ana María Quispe");
  await page.getByLabel("Cargo").fill("Directora del Sistema Nacional de Bibliotecas");
  await page.getByRole("button", { name: "Confirmar la firma" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Firma registrada para Perú" })).toBeVisible();
  await expect(page.getByTestId("signature-PE")).toContainText("Firmado por Ana María Quispe");
  await expect(page.getByTestId("agreement-status")).toHaveText(/Firmado|Vigente/);
  await expect(page.getByRole("list", { name: "Historial" })).toContainText("Firmado por Perú");

  const signed = await (await api.get(`/api/agreements/agreements/${agreement.id}`)).json();
  const peru = signed.parties.find((p: { ref: string }) => p.ref === "PE");
  expect(peru.signature.signatory).toBe("Ana María Quispe");
  // Every party has signed and the start date is past: the agreement is in force.
  expect(signed.status).toBe("in_force");

  await api.dispose();
});

test("a representative drafts an agreement, and a code already taken is refused in words (409)", async ({
  page,
  baseURL,
}) => {
  const api = await secretariatApi(baseURL!);
  const tag = Math.random().toString(36).slice(2, 8);
  const existing = await circulatedAgreement(api, tag);
  const representative = await createPerson(api, ["representative"], { country: "PE" });
  await signIn(page, representative);
  await page.goto("/agreements");
  await page.getByRole("link", { name: "Nuevo borrador" }).click();
  await expect(page.locator("main h1")).toHaveText("Nuevo borrador de acuerdo");

  const fill = async (code: string) => {
    await page.getByLabel("Código").fill(code);
    await page.getByLabel("Título").fill(`Convenio de formación de bibliotecarios ${tag}`);
    await page.getByLabel("Tipo de acuerdo").selectOption("bilateral");
    const states = page.getByRole("group", { name: "Estados miembros" });
    await states.getByRole("checkbox", { name: "Perú" }).check();
    await states.getByRole("checkbox", { name: "Ecuador" }).check();
    await page.getByRole("group", { name: "Áreas de cooperación" }).getByRole("checkbox", { name: "Préstamo interbibliotecario" }).check();
    await page.getByLabel("Objetivos").fill("Cursos virtuales de catalogación para ambas redes.");
    await page.getByLabel("Fecha de inicio").fill("2027-01-01");
  };
  await fill(`E2E-PE-CO-${tag}`);
  await page.getByRole("button", { name: "Guardar borrador" }).click();
  // The service answers 409 agreement_code_taken; the page marks the field that caused it.
  await expect(page.getByRole("alert")).toHaveText("Revise los campos marcados.");
  await expect(page.getByLabel("Código")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Código")).toHaveAccessibleDescription(/Ya existe un acuerdo con este código\./);
  await expect(page).toHaveURL(/\/agreements\/new$/);

  await page.getByLabel("Código").fill(`E2E-PE-EC-${tag}`);
  await page.getByRole("button", { name: "Guardar borrador" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Borrador guardado." })).toBeVisible();
  await expect(page.locator("main h1")).toContainText(`Convenio de formación de bibliotecarios ${tag}`);
  const id = page.url().split("/").at(-1);
  const drafted = await (await api.get(`/api/agreements/agreements/${id}`)).json();
  expect(drafted.code).toBe(`E2E-PE-EC-${tag}`);
  expect(drafted.status).toBe("draft");
  expect(existing.id).not.toBe(id);
  await api.dispose();
});
