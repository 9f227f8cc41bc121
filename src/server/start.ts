/**
 * The one process `npm run dev` and `npm start` run: open (and migrate) the database, start the
 * local Inngest executor unless hosted Inngest is configured, then serve Next.js.
 */
import { watch } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import type { ThreadExecutor } from "../executor/thread";
import { getDatabase } from "./db";
import { pruneRateLimitHits } from "./api-tokens/rate-limit";
import { createEngine } from "./engines";
import { env, usesHostedInngest } from "./env";
import { faceRoomFor } from "./faces";
import { resendUnstartedGenerations, sweepStuckGenerations } from "./generations/sweeper";
import { createFrontDoor } from "./http/front-door";
import { trustedOrigins } from "./security/origin";
import { imageOrigins } from "./storage";

// No network here, and no reporting from our users' servers.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const e = env();
const dev = e.NODE_ENV !== "production";
const port = e.PORT;
const log = (...args: unknown[]) => console.log("[avatar-studio]", ...args);

// A misconfigured engine (e.g. GENERATION_ENGINE=huggingface without a key) stops us here,
// not on the first paid request.
const engine = createEngine(e);
const pm = engine.models.photomaker;
log(
  `generation engine: ${engine.name}` +
    (engine.name === "offline"
      ? " (offline previews; set REPLICATE_API_TOKEN, or HUGGINGFACE_API_KEY and PHOTOMAKER_ENDPOINT_URL, for PhotoMaker)"
      : ` (${pm.label}: ${pm.model}${pm.version ? ` version ${pm.version}` : ""})`),
);

const handle = await getDatabase();
log(`database ready (${handle.kind === "pglite" ? `embedded PGlite in ${path.resolve(e.PGLITE_DIR)}` : "PostgreSQL"})`);
log(`storage: ${e.S3_BUCKET ? `bucket ${e.S3_BUCKET}${e.S3_PREFIX ? ` under ${e.S3_PREFIX}` : ""} (images ${e.IMAGE_DELIVERY === "redirect" ? "by presigned redirect" : "streamed"})` : `local directory ${path.resolve(e.STORAGE_DIR)}`}`);

let executor: ThreadExecutor | undefined;
if (usesHostedInngest(e)) {
  log("Inngest: hosted (INNGEST_SIGNING_KEY/INNGEST_EVENT_KEY set); local executor not started");
} else if (e.EXECUTOR === "off") {
  // Another process drives this instance's functions (npm run executor, or another instance's
  // executor on the same PostgreSQL): events must reach it.
  if (!e.INNGEST_DEV || e.INNGEST_DEV === "1") {
    console.error("[avatar-studio] EXECUTOR=off: set INNGEST_DEV to the executor's URL (npm run executor), or configure hosted Inngest");
    process.exit(1);
  }
  log(`Inngest: EXECUTOR=off; events go to ${e.INNGEST_DEV}`);
} else if (e.INNGEST_DEV && !isLocalExecutorUrl(e.INNGEST_DEV, e.EXECUTOR_PORT)) {
  log(`Inngest: dev server at ${e.INNGEST_DEV}; local executor not started`);
} else {
  // The executor runs in a thread of its own, beside the app rather than on its event loop
  // (src/executor/thread.ts): with its own connections to PostgreSQL, or its own connection to
  // the embedded database's thread (getDatabase opens PGlite in one).
  const { createThreadExecutor, threadDatabase } = await import("../executor/thread");
  executor = createThreadExecutor({
    ...threadDatabase(handle, e.DATABASE_URL),
    serveUrl: `http://127.0.0.1:${port}/api/inngest`,
    port: e.EXECUTOR_PORT,
    timeScale: e.EXECUTOR_TIME_SCALE,
    logPrefix: "[avatar-studio]",
    onCrash: (error) => {
      // Without it no run moves; a restart resumes them all (their state is in the database).
      console.error("[executor] the executor thread died; exiting so the server is restarted:", error);
      process.exit(1);
    },
  });
  // The SDK reads this when it sends events and checks signatures: dev mode, pointed at us.
  process.env.INNGEST_DEV = executor.url;
}

// Imported only now: the Inngest client they use reads INNGEST_DEV when it is created (above).
const { getServices } = await import("./services");
const { serveTRPC, TRPC_PATH_PREFIX } = await import("./api/node");

const app = next({ dev, hostname: e.HOSTNAME, port });
await app.prepare();
const requestHandler = app.getRequestHandler();
// Every request passes here first: client address, security headers, cross-site refusal.
// With IMAGE_DELIVERY=redirect the browser loads images from the bucket: its origin joins img-src.
const frontDoor = createFrontDoor({ trustProxy: e.TRUST_PROXY, trustedOrigins: trustedOrigins(e), dev, imageOrigins: await imageOrigins(e) });
// In production tRPC is answered here, ahead of Next: the same handler without Next's per-request
// route machinery, which cost more than the call itself (src/server/api/node.ts). In dev Next's
// route answers it, so edits to the routers hot-reload.
const server = createServer((req, res) => {
  if (!frontDoor(req, res)) return;
  if (!dev && req.url?.startsWith(TRPC_PATH_PREFIX)) return void serveTRPC(req, res, getServices);
  void requestHandler(req, res);
});
await new Promise<void>((resolve) => server.listen(port, resolve));
log(`ready on http://localhost:${port}`);

// Load the face models now, so the first upload doesn't wait for them (~2 s).
void faceRoomFor(e)
  ?.ready()
  .catch((error: unknown) => console.error("[faces] models failed to load:", error));

if (executor) {
  await executor.start();
  log(`local Inngest executor on ${executor.url}`);
  if (dev) watchFunctions(executor);
}

// The backstops against a paid job stuck "processing", at start-up and every few minutes: runs
// whose event was lost to a crash are started, and anything unfinished for hours is refunded.
const sweep = (olderThanMs?: number) =>
  getServices()
    .then(async ({ jobs }) => {
      const resent = await resendUnstartedGenerations(jobs, { olderThanMs });
      if (resent.length) log(`re-sent the start event of ${resent.length} waiting generation(s)`);
      const ended = await sweepStuckGenerations(jobs);
      if (ended.length) log(`ended ${ended.length} stuck generation(s) with a refund: ${ended.join(", ")}`);
      await pruneRateLimitHits(jobs.db);
    })
    .catch((error: unknown) => console.error("[sweeper]", error));
void sweep(0); // a crash may have come between a charge and its event
const sweeper = setInterval(() => void sweep(), 5 * 60_000);
sweeper.unref();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: shutting down`);
  await executor?.stop().catch((error: unknown) => console.error(error));
  server.close();
  await app.close().catch(() => {});
  await handle.close().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

function isLocalExecutorUrl(url: string, executorPort: number): boolean {
  if (url === "1" || url === "true") return true;
  try {
    const u = new URL(url);
    return ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname) && Number(u.port) === executorPort;
  } catch {
    return false;
  }
}

/** In dev, edits to the Inngest functions re-sync them, as the Inngest dev server would. */
function watchFunctions(target: ThreadExecutor) {
  let timer: NodeJS.Timeout | undefined;
  watch(path.resolve("src/server/jobs"), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void target.sync().catch((error: unknown) => console.warn("[executor] re-sync failed", error)), 1000);
  });
}
