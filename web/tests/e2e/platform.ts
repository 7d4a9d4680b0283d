// What the scenarios need from the platform besides the browser: the secretariat's API access
// to create the people who then use the interface, and signing in through the page.
import { expect, request, type APIRequestContext, type Page } from "@playwright/test";

export const SECRETARIAT = {
  email: process.env.SIRBI_SECRETARIAT_EMAIL ?? "secretaria@sirbi.example",
  password: process.env.SIRBI_SECRETARIAT_PASSWORD ?? "",
};

export const PASSWORD = "una frase de prueba larga";

/** An API client signed in as the first secretariat account. */
export async function secretariatApi(baseURL: string): Promise<APIRequestContext> {
  const anonymous = await request.newContext({ baseURL });
  const signIn = await anonymous.post("/api/auth/login", { data: SECRETARIAT });
  expect(signIn.status(), await signIn.text()).toBe(200);
  const { access_token } = await signIn.json();
  await anonymous.dispose();
  return request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${access_token}` } });
}

export type Person = { email: string; password: string; display_name: string };

/** A user account with these roles; a fresh email each time, so scenarios never collide. */
export async function createPerson(
  api: APIRequestContext,
  roles: string[],
  extra: { country?: string; working_groups?: string[] } = {},
): Promise<Person> {
  const tag = Math.random().toString(36).slice(2, 8);
  const person = {
    email: `${roles[0]}.${tag}@sirbi.example`,
    password: PASSWORD,
    display_name: `Persona ${roles[0]} ${tag}`,
  };
  const response = await api.post("/api/users", { data: { ...person, roles, ...extra } });
  expect(response.status(), await response.text()).toBe(201);
  return person;
}

/** Sign in through the page, as a person does. */
export async function signIn(page: Page, person: { email: string; password: string }): Promise<void> {
  await page.goto("/");
  await page.locator("#email").fill(person.email);
  await page.locator("#password").fill(person.password);
  await page.locator("form button[type=submit]").click();
  await expect(page.getByTestId("who")).toBeVisible();
}
