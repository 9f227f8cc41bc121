import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { inArray } from "drizzle-orm";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import pino from "pino";
import { scratchDatabase } from "../../test/helpers/db";
import sharp from "sharp";
import { createThreadExecutor, threadDatabase } from "../../src/executor/thread";
import { createAuth } from "../../src/server/auth";
import { grantCredits } from "../../src/server/credits";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../../src/server/db/client";
import { generations } from "../../src/server/db/schema";
import { seedModels } from "../../src/server/db/seed";
import type { Engine, GeneratedImage, GenerationInput } from "../../src/server/engines/types";
import { parseEnv } from "../../src/server/env";
import { buildSettings } from "../../src/server/generations/submit";
import { startGeneration, type StartDeps } from "../../src/server/generations/store";
import { listenForGenerationChanges, onGenerationChanged } from "../../src/server/generations/live";
import { generationRequested } from "../../src/server/jobs/events";
import { createGenerateAvatar } from "../../src/server/jobs/generate-avatar";
import { createProject } from "../../src/server/projects";
import { createStorage } from "../../src/server/storage";
import { machineBusyMs, median, percentile, round } from "./stats";

/**
 * Orchestration overhead: real generations (charge + row + inputs + event → local executor →
 * serve() → generate-avatar's steps → saved avatar + thumbnail → finished) with a zero-latency
 * engine, a test double at the network edge that answers a tiny PNG at once. Per run:
 * wall time (submit → completedAt) minus the engine's own time. `concurrency` is both the
 * function's limit (GENERATION_CONCURRENCY) and the generations kept in flight (closed loop),
 * for `windows` back-to-back windows of `seconds`; percentiles are over every run of them.
 * The database is the embedded one (a scratch PGlite directory in its own thread, as `npm start`
 * runs it), or a scratch database on DATABASE_URL.
 */
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

async function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: "#7a5" } }).png().toBuffer();
}

/** Zero-latency engine; records its own time per seed (each generation gets a unique seed). */
function instantEngine(png: Buffer, engineMs: Map<number, number>): Engine {
  const answer = async (input: GenerationInput, engine: "photomaker" | "flux"): Promise<GeneratedImage> => {
    const started = performance.now();
    const image: GeneratedImage = {
      bytes: png,
      contentType: "image/png",
      engine,
      model: "bench/instant",
      offlinePreview: false,
      provider: "huggingface",
      version: null,
      predictionId: null,
      modelWidth: 8,
      modelHeight: 8,
    };
    engineMs.set(input.seed, (engineMs.get(input.seed) ?? 0) + performance.now() - started);
    return image;
  };
  return {
    name: "huggingface",
    models: {
      photomaker: { model: "bench/instant", version: null, label: "instant" },
      flux: { model: "bench/instant", version: null, label: "instant" },
    },
    photomaker: (input) => answer(input, "photomaker"),
    flux: (input) => answer(input, "flux"),
    health: async () => ({ ok: true, detail: "instant" }),
  };
}

async function openScratch(): Promise<{ handle: DatabaseHandle; url?: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // A directory, in its own thread, as `npm start` runs it.
    const dir = mkdtempSync(path.join(tmpdir(), "bench-orch-pglite-"));
    const handle = await openDatabase({ pgliteDir: dir, pgliteThread: true });
    return { handle, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const scratch = await scratchDatabase(serverUrl, "bench_orch");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 20 });
  return { handle, url: scratch.url, drop: scratch.drop };
}

/**
 * `likeness`: measure each result's likeness with the face models, as the app does by default
 * (FACE_CHECK). Off, the run is orchestration only: executor, serve(), steps, database, storage.
 */
export async function benchOrchestrationLevel(concurrency: number, seconds: number, likeness = true, windows = 1, instanceCount = 1) {
  const scratch = await openScratch();
  if (instanceCount > 1 && scratch.handle.kind !== "postgres") throw new Error("several instances need PostgreSQL (DATABASE_URL)");
  const { db } = scratch.handle;
  await migrateDatabase(scratch.handle);
  // As the app's services do: finished generations are announced by the database (live.ts).
  await listenForGenerationChanges(scratch.handle);
  await seedModels(db);
  const storageDir = mkdtempSync(path.join(tmpdir(), "bench-orch-"));
  const env = parseEnv({ BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00", WELCOME_CREDITS: "0", STORAGE_DIR: storageDir });
  const auth = createAuth(db, env);
  const { user } = await auth.api.signUpEmail({ body: { email: `bench${concurrency}@example.com`, password: "bench password 1", name: "Bench" } });
  await grantCredits(db, { userId: user.id, amount: 10_000_000, description: "bench", grantedBy: "bench" });
  const project = await createProject(db, user.id, "Bench");
  const photo = await sharp({ create: { width: 512, height: 512, channels: 3, background: "#caa" } }).jpeg().toBuffer();

  const engineMs = new Map<number, number>();
  const storage = createStorage(env);
  // Logs are written (their cost is part of the overhead) but to /dev/null, not the table.
  const logger = pino({ level: "info" }, pino.destination("/dev/null"));
  // faces: undefined = as FACE_CHECK says (on by default), null = not measured.
  const workflow = { db, storage, engine: instantEngine(await tinyPng(), engineMs), logger, faces: likeness ? undefined : null };
  // Each "instance": its serve() endpoint and its executor thread, as src/server/start.ts runs them
  // (default poll interval, lease, in-flight limit), with its own pool on PostgreSQL or its own
  // connection to PGlite's thread. Several share the database's one queue (PostgreSQL only);
  // submits take turns between them, as a load balancer would.
  const instances = await Promise.all(
    Array.from({ length: instanceCount }, async () => {
      const executorPort = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, "127.0.0.1", () => {
          const { port } = probe.address() as AddressInfo;
          probe.close(() => resolve(port));
        });
      });
      const inngest = new Inngest({ id: "avatar-studio", isDev: true, baseUrl: `http://127.0.0.1:${executorPort}`, logger: quiet });
      const fn = createGenerateAvatar(inngest, async () => workflow, { concurrency });
      const app = createServer(serve({ client: inngest, functions: [fn] }));
      await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
      const serveUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
      const executor = createThreadExecutor({ ...threadDatabase(scratch.handle, scratch.url), serveUrl, port: executorPort });
      await executor.start();
      return { inngest, app, executor };
    }),
  );
  let turn = 0;
  const jobs: StartDeps = {
    db,
    storage,
    sendEvent: async (g) => {
      await instances[turn++ % instances.length]!.inngest.send(generationRequested(g));
    },
  };

  // Finished generations are noticed as the live status stream notices them: the store's change
  // notification (it says when a generation has ended), then one read of the row. (Polling every pending row every few ms loaded the
  // embedded database as much as the work being measured.) A slow poll is the safety net.
  const pending = new Map<string, (row: { status: string; completedAt: Date | null }) => void>();
  const check = async (ids: string[]) => {
    if (ids.length === 0) return;
    const rows = await db
      .select({ id: generations.id, status: generations.status, completedAt: generations.completedAt })
      .from(generations)
      .where(inArray(generations.id, ids));
    for (const row of rows) {
      if (row.status === "succeeded" || row.status === "failed") {
        pending.get(row.id)?.(row);
        pending.delete(row.id);
      }
    }
  };
  const unsubscribe = onGenerationChanged((id, finished) => {
    if (finished && pending.has(id)) void check([id]);
  });
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await check([...pending.keys()]);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  let seed = 0;
  const oneRun = async () => {
    const s = ++seed;
    const settings = buildSettings({ name: "bench", prompt: "studio portrait", gender: "woman", seed: s }, "basic");
    const started = Date.now();
    const { generation } = await startGeneration(jobs, {
      userId: user.id, projectId: project.id, tier: "basic", settings, photos: [photo], warnings: [], idempotencyKey: `bench-${s}`,
    });
    const submitMs = Date.now() - started;
    const row = await new Promise<{ status: string; completedAt: Date | null }>((resolve) => pending.set(generation.id, resolve));
    if (row.status !== "succeeded" || !row.completedAt) throw new Error(`generation ${generation.id} ${row.status}`);
    return { wallMs: row.completedAt.getTime() - started, submitMs, engineMs: engineMs.get(s) ?? 0, finishedAt: Date.now() };
  };

  for (let i = 0; i < 3; i++) await oneRun(); // warm-up: JIT, first sharp call, pools
  const runs: Array<Awaited<ReturnType<typeof oneRun>>> = [];
  // Back-to-back windows: the VM's speed drifts within minutes, so the rate is the median window's.
  const windowRates: number[] = [];
  // CPU per finished generation: this process's (every thread: app, PGlite, executor, face room,
  // V8's helpers) and the whole machine's (with a PostgreSQL server, if one is used), which says
  // how many generations/s the CPUs could give at that cost.
  const windowCpuMs: number[] = [];
  const windowMachineMs: number[] = [];
  for (let w = 0; w < windows; w++) {
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusyMs();
    const started = Date.now();
    const deadline = started + seconds * 1000;
    const inWindow: typeof runs = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) inWindow.push(await oneRun());
      }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const machineAfter = machineBusyMs();
    runs.push(...inWindow);
    windowRates.push(round(inWindow.length / ((Math.max(...inWindow.map((r) => r.finishedAt)) - started) / 1000)));
    windowCpuMs.push(round((cpu.user + cpu.system) / 1000 / inWindow.length));
    if (machineBefore !== null && machineAfter !== null) windowMachineMs.push(round((machineAfter - machineBefore) / inWindow.length));
  }
  polling = false;
  unsubscribe();
  await poller;
  for (const { executor, app } of instances) {
    await executor.stop();
    app.closeAllConnections();
    await new Promise((resolve) => app.close(resolve));
  }
  await scratch.handle.close();
  await scratch.drop();
  rmSync(storageDir, { recursive: true, force: true });

  const overhead = runs.map((r) => r.wallMs - r.engineMs);
  const machineMs = windowMachineMs.length ? median(windowMachineMs) : null;
  return {
    concurrency,
    likeness,
    instances: instanceCount,
    database: scratch.handle.kind,
    runs: runs.length,
    overheadP50Ms: round(percentile(overhead, 50)),
    overheadP95Ms: round(percentile(overhead, 95)),
    /** Of which: charge + row + inputs + event (before the executor starts the run). */
    submitP50Ms: round(percentile(runs.map((r) => r.submitMs), 50)),
    engineMsTotal: round(runs.reduce((a, r) => a + r.engineMs, 0), 2),
    /** The median window's rate (nearest rank: with 3 windows, the middle one); every window's beside it. */
    generationsPerSecond: median(windowRates),
    windowGenerationsPerSecond: windowRates,
    /** This process's CPU ms (all threads) per generation, the median window's; every window's beside it. */
    cpuMsPerGeneration: median(windowCpuMs),
    windowCpuMsPerGeneration: windowCpuMs,
    /** The whole machine's busy CPU ms per generation (null without /proc). */
    machineCpuMsPerGeneration: machineMs,
    windowMachineCpuMsPerGeneration: windowMachineMs,
    /** What the CPUs allow at the machine's cost if they did nothing else: cores × 1000 / CPU ms. */
    cpuCeilingGenerationsPerSecond: machineMs === null ? null : round((availableParallelism() * 1000) / machineMs),
  };
}

export async function benchOrchestration(options: { seconds: number; windows: number; levels: number[]; orchestrationOnly: number[]; twoInstances: number[] }) {
  const levels: Array<Awaited<ReturnType<typeof benchOrchestrationLevel>>> = [];
  for (const c of options.levels) levels.push(await benchOrchestrationLevel(c, options.seconds, true, options.windows));
  for (const c of options.orchestrationOnly) levels.push(await benchOrchestrationLevel(c, options.seconds, false, options.windows));
  // Two instances on one queue, beside one (PostgreSQL only): what sharing the queue costs.
  for (const c of options.twoInstances) levels.push(await benchOrchestrationLevel(c, options.seconds, false, options.windows, 2));
  const targets = { overheadP95MsMax: 150, generationsPerSecondMin: 20 };
  const verdict = (likeness: boolean) => {
    const these = levels.filter((l) => l.likeness === likeness && l.instances === 1);
    const atOne = these.find((l) => l.concurrency === 1)?.overheadP95Ms ?? Number.NaN;
    const best = Math.max(...these.map((l) => l.generationsPerSecond));
    return { overheadP95AtConcurrency1: atOne <= targets.overheadP95MsMax, throughput: best >= targets.generationsPerSecondMin, best };
  };
  return { levels, targets, met: { withLikeness: verdict(true), orchestrationOnly: verdict(false) } };
}
