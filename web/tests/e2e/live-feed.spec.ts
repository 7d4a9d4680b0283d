// Two people at once: a representative watches the dashboard while the secretariat, elsewhere,
// registers a network. The change reaches the representative's feed through the live stream,
// without a reload; so does the dashboard's network count.
import { expect, test } from "@playwright/test";

import { createPerson, secretariatApi, signIn } from "./platform";

test.use({ locale: "es-PE" });

test("another person's change arrives in the activity feed without reload", async ({ page, baseURL }) => {
  const api = await secretariatApi(baseURL!);
  const representative = await createPerson(api, ["representative"], { country: "PE" });
  await signIn(page, representative);

  const feed = page.getByTestId("activity-feed");
  await expect(page.getByRole("heading", { name: /Actividad en vivo/ })).toContainText("En vivo");
  const networks = page.getByRole("region", { name: "Redes nacionales" });
  const count = async () => Number((await networks.locator("p").first().innerText()).replace(/\D/g, ""));
  const before = await count();
  // Nothing in the page may reload from here on: a marker on the window would vanish.
  await page.evaluate(() => ((window as unknown as { sirbiMarker: string }).sirbiMarker = "same page"));

  const name = `Red de bibliotecas comunitarias ${Math.random().toString(36).slice(2, 8)}`;
  const registered = await api.post("/api/members/networks", {
    data: { country: "PE", kind: "popular", official_name: name, governing_entity: "Ministerio de Cultura" },
  });
  expect(registered.status(), await registered.text()).toBe(201);

  await expect(feed.getByRole("listitem").first()).toContainText(`Red nacional registrada: ${name}`);
  await expect(feed.getByRole("listitem").first()).toContainText("Perú");
  await expect.poll(count).toBe(before + 1);
  expect(await page.evaluate(() => (window as unknown as { sirbiMarker?: string }).sirbiMarker)).toBe("same page");
  await api.dispose();
});
