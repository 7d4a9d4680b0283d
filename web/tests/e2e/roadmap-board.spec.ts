// A working group's coordinator moves a card on the group's board: dragged with the mouse from
// «Propuesta» to «Planificada», then with the card's «Mover a» list to «En curso». Each move is the
// action's transition in the roadmap service, checked there through the API.
import { expect, test } from "@playwright/test";

import { createPerson, secretariatApi, signIn } from "./platform";

test.use({ locale: "es-PE" });

test("moving a card on the board performs the action's transition", async ({ page, baseURL }) => {
  const api = await secretariatApi(baseURL!);
  const groups = await (await api.get("/api/roadmap/working-groups")).json();
  const group = groups[0];
  const title = `Taller regional de preservación digital ${Math.random().toString(36).slice(2, 8)}`;
  const proposed = await api.post("/api/roadmap/actions", {
    data: {
      title,
      working_group_id: group.id,
      lead_country: "PE",
      participants: ["CO"],
      priority: "medium",
      start_date: "2027-01-15",
      due_date: "2027-06-30",
    },
  });
  expect(proposed.status(), await proposed.text()).toBe(201);
  const action = await proposed.json();
  const coordinator = await createPerson(api, ["wg_coordinator"], { working_groups: [group.id] });

  await signIn(page, coordinator);
  await page.goto(`/roadmap/groups/${group.id}`);
  await expect(page.locator("main h1")).toHaveText(group.name);
  const column = (status: string) => page.locator(`section[data-status="${status}"]`);
  const card = (status: string) => column(status).getByRole("article", { name: title });
  await expect(card("proposed")).toBeVisible();

  // With the mouse: drag the card onto the next column.
  // The drag starts on the card before the page scrolls towards the column it is dropped on, as a
  // hand does; a drag begun off-screen would pick up whatever card the scroll brought under it.
  const source = card("proposed");
  await source.hover();
  await page.mouse.down();
  const from = (await source.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + from.height / 2 + 12, { steps: 3 });
  await column("planned").hover();
  await column("planned").hover(); // a second dragover, so the drop lands where the pointer is
  await page.mouse.up();
  await expect(page.getByRole("status")).toHaveText(`«${title}» movida a Planificada.`);
  await expect(card("planned")).toBeVisible();
  await expect(card("proposed")).toHaveCount(0);
  const statusOf = async () =>
    (await (await api.get(`/api/roadmap/actions/${action.id}`)).json()).status as string;
  expect(await statusOf()).toBe("planned");

  // With the keyboard: the card's own «Mover a» list.
  await card("planned").getByLabel("Mover a").selectOption({ label: "En curso" });
  await card("planned").getByRole("button", { name: "Mover", exact: true }).press("Enter");
  await expect(card("in_progress")).toBeVisible();
  expect(await statusOf()).toBe("in_progress");

  // Blocking needs a reason: the board asks for it before the move.
  await card("in_progress").getByLabel("Mover a").selectOption({ label: "Bloqueada" });
  await card("in_progress").getByRole("button", { name: "Mover", exact: true }).click();
  await page.getByLabel("Motivo", { exact: true }).fill("Falta el financiamiento de la segunda cohorte");
  await page.getByRole("dialog").getByRole("button", { name: "Mover", exact: true }).click();
  await expect(card("blocked")).toBeVisible();
  const blocked = await (await api.get(`/api/roadmap/actions/${action.id}`)).json();
  expect(blocked.status).toBe("blocked");
  expect(JSON.stringify(blocked)).toContain("Falta el financiamiento de la segunda cohorte");
  await api.dispose();
});
