// A national representative signs in, works in the language of their browser, switches to
// Portuguese, and keeps it after a reload; a wrong password is refused in words.
import { expect, test } from "@playwright/test";

import { createPerson, secretariatApi, signIn } from "./platform";

test.use({ locale: "es-PE" });

test("a representative signs in and switches to Portuguese", async ({ page, baseURL }) => {
  const api = await secretariatApi(baseURL!);
  const representative = await createPerson(api, ["representative"], { country: "PE" });

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Iniciar sesión" })).toBeVisible();
  await page.getByLabel("Correo electrónico").fill(representative.email);
  await page.getByLabel("Contraseña").fill("no es la contraseña");
  await page.getByRole("button", { name: "Entrar" }).click();
  await expect(page.getByRole("alert")).toHaveText("Correo o contraseña incorrectos.");

  await signIn(page, representative);
  await expect(page.getByTestId("who")).toContainText("Representante nacional · PE");
  const nav = page.getByRole("navigation", { name: "Navegación principal" });
  await expect(nav.getByRole("link", { name: "Acuerdos" })).toBeVisible();
  // Administration is the secretariat's: not offered to a representative.
  await expect(nav.getByRole("link", { name: "Administración" })).toHaveCount(0);

  await page.getByLabel("Idioma").selectOption("pt");
  await expect(page.getByRole("navigation", { name: "Navegação principal" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "pt");
  await page.reload();
  await expect(page.getByRole("link", { name: "Acordos" })).toBeVisible();
  await expect(page.getByTestId("who")).toContainText("Representante nacional · PE");

  await page.getByRole("button", { name: "Sair" }).click();
  await expect(page.getByRole("heading", { name: "Entrar" })).toBeVisible();
  await api.dispose();
});
