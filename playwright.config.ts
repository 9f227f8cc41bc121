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

/**
 * One app process with its own ports, database and files: by default `npm start` on the shared
 * build, ready when its health answers.
 */
function appServer(
  name: string,
  port: number,
  executorPort: number,
  baseURL: string,
  storageDir: string,
  env: Record<string, string>,
  start: { command?: string; url?: string; timeout?: number } = {},
) {
  return {
    command: start.command ?? "npm start",
    url: start.url ?? `${baseURL}/api/trpc/system.health`,
    timeout: start.timeout ?? 60_000,
    reuseExistingServer,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      ...common,
      PORT: String(port),
      EXECUTOR_PORT: String(executorPort),
      PGLITE_DIR: `.data/e2e/${name}-pglite-${E2E.runId}`,
      DATA_DIR: `.data/e2e/${name}-data-${E2E.runId}`,
      STORAGE_DIR: storageDir,
      BETTER_AUTH_URL: baseURL,
      ...env,
    },
  };
}

/** A fake outside service as its own process (test/fakes/*-cli.ts), ready when `url` answers. */
function fakeServer(command: string, url: string) {
  return { command, url, timeout: 30_000, reuseExistingServer, stdout: "ignore" as const, stderr: "pipe" as const };
}

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
    appServer("offline", E2E.port, E2E.executorPort, baseUrl, E2E.storageDir, { GENERATION_ENGINE: "offline" }, {
      command: "npm run build && npm start",
      timeout: 240_000,
    }),
    fakeServer(`npx tsx test/fakes/huggingface-cli.ts --port ${E2E.fakePort}`, `${fakeUrl}/photomaker`),
    appServer("hf", E2E.hfPort, E2E.hfExecutorPort, hfBaseUrl, E2E.hfStorageDir, {
      GENERATION_ENGINE: "huggingface",
      HUGGINGFACE_API_KEY: "hf_fake_e2e_token",
      PHOTOMAKER_ENDPOINT_URL: `${fakeUrl}/photomaker`,
      HUGGINGFACE_HOSTS_OVERRIDE: fakeUrl,
      FLUX_PROVIDER: "hf-inference",
    }),
    fakeServer(`npx tsx test/fakes/replicate-cli.ts --port ${E2E.fakeReplicatePort}`, `${fakeReplicateUrl}/__fake/state`),
    appServer("replicate", E2E.replicatePort, E2E.replicateExecutorPort, replicateBaseUrl, E2E.replicateStorageDir, {
      GENERATION_ENGINE: "replicate",
      REPLICATE_API_TOKEN: "r8_fake_e2e_token",
      REPLICATE_BASE_URL: `${fakeReplicateUrl}/v1`,
    }),
    fakeServer(
      `npx tsx test/fakes/ops-edge-cli.ts --port ${E2E.edgePort} --smtp-port ${E2E.smtpPort} --executor http://127.0.0.1:${E2E.opsExecutorPort}` +
      ` --webhook ${opsBaseUrl}/api/stripe/webhook --webhook-secret ${E2E.stripeWebhookSecret}`,
      `${edgeUrl}/health`,
    ),
    appServer("ops", E2E.opsPort, E2E.opsExecutorPort, opsBaseUrl, E2E.opsStorageDir, {
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
    }),
    // `npm run dev` itself, for the dev server's own behaviour (e2e/dev-hosts.spec.ts). It shares
    // the build's folder: Next keeps development output apart, in its dev/ subfolder. Ready once
    // the sign-up page has compiled. BETTER_AUTH_URL says 127.0.0.1, so the test at localhost
    // checks the auth client uses the page's origin.
    appServer("dev", E2E.devPort, E2E.devExecutorPort, devBaseUrl, `.data/e2e/dev-storage-${E2E.runId}`, { GENERATION_ENGINE: "offline" }, {
      command: "npm run dev",
      url: `${devBaseUrl}/sign-up`,
      timeout: 240_000,
    }),
  ],
});
