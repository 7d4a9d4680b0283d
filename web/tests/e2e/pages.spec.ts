// Every main page, in each language: no serious accessibility violation (axe-core, WCAG 2.1 A
// and AA rules), and a screenshot for the README and for reviewers, in screenshots/<language>/.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

import { SECRETARIAT, secretariatApi, signIn } from "./platform";

const LANGUAGES = ["es", "pt", "en"] as const;

async function mainPages(baseURL: string): Promise<Record<string, string>> {
  const api = await secretariatApi(baseURL);
  const agreements = await (await api.get("/api/agreements/agreements?limit=1")).json();
  const groups = await (await api.get("/api/roadmap/working-groups")).json();
  const actions = await (await api.get("/api/roadmap/actions?limit=1")).json();
  await api.dispose();
  return {
    dashboard: "/",
    "member-states": "/member-states",
    "member-state-profile": "/member-states/PE",
    directory: "/libraries",
    "directory-import": "/libraries/import",
    agreements: "/agreements",
    "agreement-detail": `/agreements/${agreements.items[0].id}`,
    "agreement-draft": "/agreements/new",
    roadmap: "/roadmap",
    "roadmap-board": `/roadmap/groups/${groups[0].id}`,
    "roadmap-action": `/roadmap/actions/${(actions.items ?? actions)[0].id}`,
    "admin-users": "/admin/users",
    "admin-clients": "/admin/clients",
    "admin-webhooks": "/admin/webhooks",
  };
}

async function settled(page: Page): Promise<void> {
  await expect(page.locator("main h1").first()).toBeVisible();
  await expect(page.getByText(/^(Cargando|Carregando|Loading)…$/)).toHaveCount(0);
}

for (const language of LANGUAGES) {
  test(`every main page in ${language}: accessible, and photographed`, async ({ page, baseURL }) => {
    test.setTimeout(240_000);
    const pages = await mainPages(baseURL!);
    await page.addInitScript((lang) => window.localStorage.setItem("sirbi.language", lang), language);
    await signIn(page, SECRETARIAT);
    for (const [name, path] of Object.entries(pages)) {
      await test.step(name, async () => {
        await page.goto(path);
        await settled(page);
        await expect(page.locator("html")).toHaveAttribute("lang", language);
        const results = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
          .analyze();
        const serious = results.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        expect(serious, `${path} in ${language}`).toEqual([]);
        await page.screenshot({ path: `screenshots/${language}/${name}.png`, fullPage: true });
      });
    }
  });
}

test("on a phone-sized screen the menu folds and still reaches every page", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.addInitScript(() => window.localStorage.setItem("sirbi.language", "es"));
  await signIn(page, SECRETARIAT);
  const menu = page.getByRole("button", { name: "Menú" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await page.getByRole("link", { name: "Acuerdos" }).click();
  await expect(page).toHaveURL(/\/agreements$/);
  await expect(page.locator("main h1")).toHaveText("Acuerdos");
  await page.screenshot({ path: "screenshots/es/phone-agreements.png", fullPage: true });
});
