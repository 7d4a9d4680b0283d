// End-to-end tests in Debian's Chromium (never a browser Playwright downloads). They run against
// a whole platform started by tests/test_web_browser.py (`make test`), whose address and first
// secretariat account arrive in the environment.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests/e2e",
  // One platform, one browser at a time: scenarios share its data, and the machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.SIRBI_WEB_URL ?? "http://127.0.0.1:8000",
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: process.env.SIRBI_CHROMIUM ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
