/**
 * Where the browser tests' servers live, shared by playwright.config.ts and the specs. The run id
 * is fixed once in the runner's environment, so worker processes (which load the config again)
 * agree on the same directories.
 */
process.env.E2E_RUN_ID ??= `${Date.now()}`;
const runId = process.env.E2E_RUN_ID;

export const E2E = {
  runId,
  /** The app with the offline engine (what a fresh clone runs). */
  port: Number(process.env.E2E_PORT ?? 3100),
  executorPort: Number(process.env.E2E_EXECUTOR_PORT ?? 8388),
  /** The same build on the Hugging Face engine, pointed at the fake Hugging Face server. */
  hfPort: Number(process.env.E2E_HF_PORT ?? 3101),
  hfExecutorPort: Number(process.env.E2E_HF_EXECUTOR_PORT ?? 8389),
  fakePort: Number(process.env.E2E_FAKE_HF_PORT ?? 9431),
  /** The same build on the Replicate engine, pointed at the fake Replicate server. */
  replicatePort: Number(process.env.E2E_REPLICATE_PORT ?? 3103),
  replicateExecutorPort: Number(process.env.E2E_REPLICATE_EXECUTOR_PORT ?? 8391),
  fakeReplicatePort: Number(process.env.E2E_FAKE_REPLICATE_PORT ?? 9432),
  /** `npm run dev` (not the build), for what only the development server does (e2e/dev-hosts.spec.ts). */
  devPort: Number(process.env.E2E_DEV_PORT ?? 3102),
  devExecutorPort: Number(process.env.E2E_DEV_EXECUTOR_PORT ?? 8390),
  /**
   * The same build for operations, billing, email and leaving: the Hugging Face engine on the same
   * fake, and its own outside world (test/fakes/ops-edge-cli.ts: a relay to its executor that can
   * lose events, Stripe's API and Checkout page, an SMTP server).
   */
  opsPort: Number(process.env.E2E_OPS_PORT ?? 3104),
  opsExecutorPort: Number(process.env.E2E_OPS_EXECUTOR_PORT ?? 8392),
  edgePort: Number(process.env.E2E_FAKE_EDGE_PORT ?? 9433),
  /** The ops server's SMTP server (in the same fake process): SMTP_URL. */
  smtpPort: Number(process.env.E2E_FAKE_SMTP_PORT ?? 9434),
  stripeWebhookSecret: "whsec_e2e_test_secret",
  distDir: process.env.E2E_DIST_DIR ?? ".next-e2e",
  storageDir: `.data/e2e/storage-${runId}`,
  hfStorageDir: `.data/e2e/hf-storage-${runId}`,
  replicateStorageDir: `.data/e2e/replicate-storage-${runId}`,
  opsStorageDir: `.data/e2e/ops-storage-${runId}`,
  adminEmail: "admin@e2e.test",
};

export const baseUrl = `http://localhost:${E2E.port}`;
export const hfBaseUrl = `http://localhost:${E2E.hfPort}`;
export const devBaseUrl = `http://127.0.0.1:${E2E.devPort}`;
export const fakeUrl = `http://127.0.0.1:${E2E.fakePort}`;
export const replicateBaseUrl = `http://localhost:${E2E.replicatePort}`;
export const fakeReplicateUrl = `http://127.0.0.1:${E2E.fakeReplicatePort}`;
export const opsBaseUrl = `http://localhost:${E2E.opsPort}`;
export const edgeUrl = `http://127.0.0.1:${E2E.edgePort}`;
