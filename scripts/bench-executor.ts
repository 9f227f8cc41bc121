/**
 * Benchmark of the local executor (not a test): a 5-step function whose steps do nothing, driven
 * through the real SDK `serve()` handler over HTTP. Prints a table and writes
 * .data/bench/executor.json. PGlite in memory by default; DATABASE_URL for a Postgres server.
 *
 *   npx tsx scripts/bench-executor.ts [--runs 200] [--sequential 20]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { scratchDatabase } from "../test/helpers/db";
import { createLocalExecutor, type LocalExecutor } from "../src/executor";
import { migrateDatabase, openDatabase } from "../src/server/db/client";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const RUNS = arg("runs", 200);
const SEQUENTIAL = arg("sequential", 20);
const STEPS = 5;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function finishAll(executor: LocalExecutor, eventIds: string[]): Promise<void> {
  for (const eventId of eventIds) {
    const [run] = await executor.listRuns({ eventId });
    const done = await executor.waitForRun(run!.id, { timeoutMs: 300_000 });
    if (done.status !== "completed") throw new Error(`Run ${done.id} ${done.status}`);
  }
}


async function main() {
  const scratch = process.env.DATABASE_URL ? await scratchDatabase(process.env.DATABASE_URL, "bench_executor") : null;
  const handle = await openDatabase(scratch ? { databaseUrl: scratch.url, maxConnections: 20 } : { pgliteDir: "memory://" });
  await migrateDatabase(handle);
  const port = await freePort();
  const inngest = new Inngest({ id: "bench", isDev: true, baseUrl: `http://127.0.0.1:${port}`, logger: quiet });
  const fiveSteps = inngest.createFunction({ id: "five-steps", triggers: [{ event: "bench/five" }] }, async ({ step }) => {
    for (let i = 0; i < STEPS; i++) await step.run(`noop-${i}`, () => i);
  });
  const noSteps = inngest.createFunction({ id: "no-steps", triggers: [{ event: "bench/none" }] }, async () => "done");
  const app = createServer(serve({ client: inngest, functions: [fiveSteps, noSteps] }));
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const executor = createLocalExecutor({
    db: handle.db,
    serveUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`,
    port,
    pollIntervalMs: 50,
    logger: quiet,
  });
  await executor.start();

  // Latency: one run at a time, so nothing queues; the no-step run is the fixed cost of a run.
  const latency = async (name: string) => {
    const started = Date.now();
    for (let i = 0; i < SEQUENTIAL; i++) await finishAll(executor, (await inngest.send({ name, data: {} })).ids);
    return (Date.now() - started) / SEQUENTIAL;
  };
  await latency("bench/five"); // warm-up: JIT, connection pools
  const runMs = await latency("bench/five");
  const baseMs = await latency("bench/none");

  // Throughput: RUNS events at once.
  const started = Date.now();
  const { ids } = await inngest.send(Array.from({ length: RUNS }, (_, i) => ({ name: "bench/five", data: { i } })));
  await finishAll(executor, ids);
  const seconds = (Date.now() - started) / 1_000;

  const result = {
    database: handle.kind,
    runs: RUNS,
    stepsPerRun: STEPS,
    cpus: availableParallelism(),
    node: process.version,
    runsPerSecond: Number((RUNS / seconds).toFixed(1)),
    stepsPerSecond: Number(((RUNS * STEPS) / seconds).toFixed(1)),
    runLatencyMs: Number(runMs.toFixed(1)),
    noStepRunLatencyMs: Number(baseMs.toFixed(1)),
    perStepOverheadMs: Number(((runMs - baseMs) / STEPS).toFixed(1)),
    measuredAt: new Date().toISOString(),
  };
  console.table({
    "database": result.database,
    "runs/s (200 at once, 5 no-op steps)": result.runsPerSecond,
    "steps/s": result.stepsPerSecond,
    "run latency, 5 steps (ms)": result.runLatencyMs,
    "run latency, no steps (ms)": result.noStepRunLatencyMs,
    "overhead per step (ms)": result.perStepOverheadMs,
  });
  const out = path.resolve(".data/bench/executor.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);

  await executor.stop();
  app.closeAllConnections();
  await new Promise((resolve) => app.close(resolve));
  await handle.close();
  await scratch?.drop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
