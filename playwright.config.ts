import { defineConfig } from "@playwright/test";
import { baseUrl, devBaseUrl, E2E, edgeUrl, fakeReplicateUrl, fakeUrl, hfBaseUrl, opsBaseUrl, replicateBaseUrl } from "./e2e/support/env";

/**
 * Browser tests against a production build served by the same start script as `npm start`, on
 * its own ports, build folder and fresh embedded databases (never dev's). Two app processes
 * share the one build: the offline engine (what a fresh clone runs) for most tests, and the
 * Hugging Face engine pointed at the fake Hugging Face server for provider behaviour (failures,
 * retries, the FLUX fallback, what is sent to PhotoMaker), scripted per test over its control API.
 * A third runs the Replicate engine against the fake Replicate server (e2e/replicate.spec.ts).
 * A fourth, for the operations console, billing, email and leaving, talks to its own outside world
 * on loopback (test/fakes/ops-edge-cli.ts): its events reach its executor through a relay that can
 * lose them, it buys through a fake Stripe and mails through a real SMTP server.
 */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** E2E_REUSE_SERVERS=1: use servers already running (started by hand with the same env), for quick iteration. */
const reuseExistingServer = process.env.E2E_REUSE_SERVERS === "1";

const common = {
  NEXT_DIST_DIR: E2E.distDir,
  EXECUTOR_TIME_SCALE: "0.01",
  ADMIN_EMAILS: E2E.adminEmail,
  LOG_LEVEL: "warn",
  // Every test signs up its own users from 127.0.0.1 within seconds; the per-IP limit that
  // protects production sign-ups would refuse them (429).
  AUTH_RATE_LIMIT: "off",
  // The face check runs as a user gets it (FACE_CHECK defaults to on): the photos the tests upload
  // are real faces (e2e/support/photos.ts, from test/helpers/faces.ts).
};

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT ?? ".data/test-results/playwright.json" }]],
  use: {
    baseURL: baseUrl,
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  // Started in order: the build, the fakes, the other apps on the same build, then the dev server.
  webServer: [
    {
      command: "npm run build && npm start",
      url: `${baseUrl}/api/trpc/system.health`,
      timeout: 240_000,
      reuseExistingServer,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...common,
        PORT: String(E2E.port),
        EXECUTOR_PORT: String(E2E.executorPort),
        PGLITE_DIR: `.data/e2e/pglite-${E2E.runId}`,
        DATA_DIR: `.data/e2e/data-${E2E.runId}`,
        STORAGE_DIR: E2E.storageDir,
        BETTER_AUTH_URL: baseUrl,
        GENERATION_ENGINE: "offline",
      },
    },
    {
      command: `npx tsx test/fakes/huggingface-cli.ts --port ${E2E.fakePort}`,
      url: `${fakeUrl}/photomaker`,
      timeout: 30_000,
      reuseExistingServer,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npm start",
      url: `${hfBaseUrl}/api/trpc/system.health`,
      timeout: 60_000,
      reuseExistingServer,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...common,
        PORT: String(E2E.hfPort),
        EXECUTOR_PORT: String(E2E.hfExecutorPort),
        PGLITE_DIR: `.data/e2e/hf-pglite-${E2E.runId}`,
        DATA_DIR: `.data/e2e/hf-data-${E2E.runId}`,
        STORAGE_DIR: E2E.hfStorageDir,
        BETTER_AUTH_URL: hfBaseUrl,
        GENERATION_ENGINE: "huggingface",
        HUGGINGFACE_API_KEY: "hf_fake_e2e_token",
        PHOTOMAKER_ENDPOINT_URL: `${fakeUrl}/photomaker`,
        HUGGINGFACE_HOSTS_OVERRIDE: fakeUrl,
        FLUX_PROVIDER: "hf-inference",
      },
    },
    {
      command: `npx tsx test/fakes/replicate-cli.ts --port ${E2E.fakeReplicatePort}`,
      url: `${fakeReplicateUrl}/__fake/state`,
      timeout: 30_000,
      reuseExistingServer,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npm start",
      url: `${replicateBaseUrl}/api/trpc/system.health`,
      timeout: 60_000,
      reuseExistingServer,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...common,
        PORT: String(E2E.replicatePort),
        EXECUTOR_PORT: String(E2E.replicateExecutorPort),
        PGLITE_DIR: `.data/e2e/replicate-pglite-${E2E.runId}`,
        DATA_DIR: `.data/e2e/replicate-data-${E2E.runId}`,
        STORAGE_DIR: E2E.replicateStorageDir,
        BETTER_AUTH_URL: replicateBaseUrl,
        GENERATION_ENGINE: "replicate",
        REPLICATE_API_TOKEN: "r8_fake_e2e_token",
        REPLICATE_BASE_URL: `${fakeReplicateUrl}/v1`,
      },
    },
    {
      command:
        `npx tsx test/fakes/ops-edge-cli.ts --port ${E2E.edgePort} --smtp-port ${E2E.smtpPort} --executor http://127.0.0.1:${E2E.opsExecutorPort}` +
        ` --webhook ${opsBaseUrl}/api/stripe/webhook --webhook-secret ${E2E.stripeWebhookSecret}`,
      url: `${edgeUrl}/health`,
      timeout: 30_000,
      reuseExistingServer,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npm start",
      url: `${opsBaseUrl}/api/trpc/system.health`,
      timeout: 60_000,
      reuseExistingServer,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...common,
        PORT: String(E2E.opsPort),
        EXECUTOR_PORT: String(E2E.opsExecutorPort),
        PGLITE_DIR: `.data/e2e/ops-pglite-${E2E.runId}`,
        DATA_DIR: `.data/e2e/ops-data-${E2E.runId}`,
        STORAGE_DIR: E2E.opsStorageDir,
        BETTER_AUTH_URL: opsBaseUrl,
        GENERATION_ENGINE: "huggingface",
        HUGGINGFACE_API_KEY: "hf_fake_e2e_token",
        PHOTOMAKER_ENDPOINT_URL: `${fakeUrl}/photomaker`,
        HUGGINGFACE_HOSTS_OVERRIDE: fakeUrl,
        // The Inngest SDK's own setting: events (only) go through the relay, which can lose them.
        INNGEST_EVENT_API_BASE_URL: `${edgeUrl}/relay/`,
        STRIPE_SECRET_KEY: "sk_test_e2e_fake",
        STRIPE_WEBHOOK_SECRET: E2E.stripeWebhookSecret,
        STRIPE_API_BASE: edgeUrl,
        SMTP_URL: `smtp://127.0.0.1:${E2E.smtpPort}`,
        EMAIL_FROM: "Avatar Studio <studio@e2e.test>",
      },
    },
    {
      // `npm run dev` itself, for the dev server's own behaviour (e2e/dev-hosts.spec.ts). It shares
      // the build's folder: Next keeps development output apart, in its dev/ subfolder. Ready once
      // the sign-up page has compiled.
      command: "npm run dev",
      url: `${devBaseUrl}/sign-up`,
      timeout: 240_000,
      reuseExistingServer,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...common,
        PORT: String(E2E.devPort),
        EXECUTOR_PORT: String(E2E.devExecutorPort),
        PGLITE_DIR: `.data/e2e/dev-pglite-${E2E.runId}`,
        DATA_DIR: `.data/e2e/dev-data-${E2E.runId}`,
        STORAGE_DIR: `.data/e2e/dev-storage-${E2E.runId}`,
        // 127.0.0.1, so the test at localhost checks the auth client uses the page's origin.
        BETTER_AUTH_URL: devBaseUrl,
        GENERATION_ENGINE: "offline",
      },
    },
  ],
});
