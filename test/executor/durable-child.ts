/**
 * A whole app + executor in one process, for the kill-and-restart test. It appends every step
 * body's start and end to LOG_FILE, and when the run finishes writes it to RESULT_FILE.
 * Env: PGLITE_DIR or DATABASE_URL, LOG_FILE, RESULT_FILE, SEND=1 to send the triggering event.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { createLocalExecutor } from "~/executor";
import { migrateDatabase, openDatabase } from "~/server/db/client";

const env = (name: string) => process.env[name] ?? "";
const log = (line: string) => appendFileSync(env("LOG_FILE"), `${line}\n`);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

async function main() {
  const handle = await openDatabase(env("DATABASE_URL") ? { databaseUrl: env("DATABASE_URL") } : { pgliteDir: env("PGLITE_DIR") });
  await migrateDatabase(handle);

  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));

  const inngest = new Inngest({ id: "durable-app", isDev: true, baseUrl: `http://127.0.0.1:${port}`, logger: quiet });
  const fn = inngest.createFunction({ id: "durable", triggers: [{ event: "test/durable" }] }, async ({ step }) => {
    const body = (name: string, ms: number) => async () => {
      log(`start:${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log(`end:${name}`);
      return name;
    };
    const a = await step.run("a", body("a", 10));
    const b = await step.run("b", body("b", 1_500)); // the parent kills us in here
    await step.sleep("pause", "50s");
    const c = await step.run("c", body("c", 10));
    return a + b + c;
  });
  const app = createServer(serve({ client: inngest, functions: [fn] }));
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));

  const executor = createLocalExecutor({
    db: handle.db,
    serveUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`,
    port,
    timeScale: 0.001,
    pollIntervalMs: 50,
    leaseMs: 1_000, // on a shared Postgres the killed process's lease must expire before a retake
    logger: { info() {}, warn: (...a) => console.error(...a), error: (...a) => console.error(...a) },
  });
  await executor.start();
  if (env("SEND") === "1") await inngest.send({ name: "test/durable", data: {} });

  for (;;) {
    const [run] = await executor.listRuns({ functionId: "durable-app-durable" });
    if (run && (run.status === "completed" || run.status === "failed")) {
      writeFileSync(env("RESULT_FILE"), JSON.stringify(run));
      await executor.stop();
      await handle.close();
      process.exit(0);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
