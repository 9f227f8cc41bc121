import { defineConfig } from "@playwright/test";

/**
 * Browser tests against a production build served by the same start script as `npm start`, on
 * its own port, executor port, build folder and fresh embedded database (never dev's).
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const EXECUTOR_PORT = Number(process.env.E2E_EXECUTOR_PORT ?? 8388);
const runId = `${Date.now()}`;

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT ?? ".data/test-results/playwright.json" }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "npm run build && npm start",
    url: `http://localhost:${PORT}/api/trpc/system.health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      EXECUTOR_PORT: String(EXECUTOR_PORT),
      NEXT_DIST_DIR: ".next-e2e",
      PGLITE_DIR: `.data/e2e/pglite-${runId}`,
      DATA_DIR: `.data/e2e/data-${runId}`,
      BETTER_AUTH_URL: `http://localhost:${PORT}`,
      EXECUTOR_TIME_SCALE: "0.01",
      ADMIN_EMAILS: "admin@e2e.test",
    },
  },
});
