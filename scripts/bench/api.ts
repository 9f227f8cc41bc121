import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { scratchDatabase } from "../../test/helpers/db";
import { freePort } from "../../test/helpers/net";
import { ensureBuild, startNext } from "./next-server";
import { median, percentile, processCpuMs, round, runChild } from "./stats";

/**
 * avatar.list (200 avatars) over HTTP at 50 connections against a bare Next.js route handler
 * answering the same JSON (src/app/api/bench/bare), both served by one real production server:
 * `next build`, then src/server/start.ts as `npm start` runs it, on a scratch database seeded by
 * api-server.ts. The load comes from autocannon in this process. A warm-up per side (a fresh
 * server needs ≈ 10 s of steady load on one route before it answers at full speed, longer when
 * the routes alternate: with 15 s the rounds' ratios still climbed, 0.66 → 0.79), then rounds of
 * one run per side, the order alternating (bare first, then avatar.list first, …).
 * The VM's speed drifts by 10–30 % within minutes, more than the difference measured: a ratio of
 * totals let one slow run decide. The ratio is therefore the median of the rounds' own ratios,
 * each from two runs seconds apart (the drift cancels within a round); every run is kept. An odd
 * number of rounds (5, or 3 with --quick) has a true middle: nearest-rank never rounds up.
 */
interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface AutocannonInstance {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}
type Autocannon = (opts: Record<string, unknown>, done: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

interface Run {
  seconds: number;
  total: number;
  non2xx: number;
  errors: number;
  times: number[];
  /** The server's CPU ms during the run (whole process, main thread); null without /proc. */
  cpu: { process: number; main: number } | null;
}

function load(url: string, headers: Record<string, string>, seconds: number, serverPid: number) {
  return new Promise<Run>((resolve, reject) => {
    const times: number[] = [];
    const before = processCpuMs(serverPid);
    const instance = autocannon({ url, connections: 50, duration: seconds, headers }, (err, result) => {
      if (err) return reject(err);
      const after = processCpuMs(serverPid);
      const cpu = before && after ? { process: after.process - before.process, main: after.main - before.main } : null;
      // errors = timeouts (10 s) and socket errors; non2xx must stay 0 (a 4xx/5xx would be a broken run).
      resolve({ seconds, total: result.requests.total, non2xx: result.non2xx, errors: result.errors + result.timeouts, times, cpu });
    });
    instance.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  });
}

function summary(runs: Run[]) {
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const total = runs.reduce((s, r) => s + r.total, 0);
  const non2xx = runs.reduce((s, r) => s + r.non2xx, 0);
  const times = runs.flatMap((r) => r.times);
  return {
    requestsPerSecond: round((total - non2xx) / seconds),
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    requests: total,
    non2xx,
    errors: runs.reduce((s, r) => s + r.errors, 0),
    perRunRequestsPerSecond: runs.map((r) => round((r.total - r.non2xx) / r.seconds)),
    /**
     * The server's CPU ms per request over all runs: the whole process, and its main thread (Next
     * and the handler), which is what limits requests/s. null without /proc.
     */
    serverCpuMsPerRequest: cpuPerRequest(runs, "process"),
    mainThreadCpuMsPerRequest: cpuPerRequest(runs, "main"),
  };
}

function cpuPerRequest(runs: Run[], which: "process" | "main"): number | null {
  if (runs.some((r) => !r.cpu)) return null;
  const requests = runs.reduce((s, r) => s + r.total, 0);
  return requests > 0 ? round(runs.reduce((s, r) => s + r.cpu![which], 0) / requests, 2) : null;
}

interface Seeded {
  email: string;
  password: string;
  avatars: number;
  projectId: string;
  listPath: string;
  bytes: number;
  database: string;
}

export async function benchApi(options: { seconds: number; warmupSeconds: number; rounds?: number }) {
  const rounds = options.rounds ?? 5;
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const build = ensureBuild(distDir);
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-api-"));
  const bareFile = path.join(scratch, "avatar-list.json");
  const [port, executorPort] = [await freePort(), await freePort()];
  const scratchDb = process.env.DATABASE_URL ? await scratchDatabase(process.env.DATABASE_URL, "bench_api") : null;
  const env: Record<string, string> = {
    PORT: String(port),
    PGLITE_DIR: path.join(scratch, "pglite"),
    DATA_DIR: path.join(scratch, "data"),
    STORAGE_DIR: path.join(scratch, "storage"),
    BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00",
    BENCH_BARE_JSON: bareFile,
    LOG_LEVEL: "warn",
    ...(scratchDb && { DATABASE_URL: scratchDb.url }),
  };
  let server: Awaited<ReturnType<typeof startNext>> | undefined;
  try {
    const seeded = await runChild<Seeded>("api-server.ts", [], env);
    server = await startNext(
      { ...env, FACE_CHECK: "off", AUTH_RATE_LIMIT: "off", GENERATION_ENGINE: "offline", EXECUTOR_PORT: String(executorPort), NEXT_DIST_DIR: distDir },
      port,
    );
    const { url, pid } = server;
    const barePath = "/api/bench/bare";

    // A browser's sign-in over HTTP: the session cookie and better-auth's session_data cache
    // cookie (valid 60 s; a browser gets it renewed by its first request after that). Signing in
    // again before each measured run keeps autocannon's fixed cookie inside that window, as a
    // browser's is.
    const signIn = async () => {
      const res = await fetch(`${url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url },
        body: JSON.stringify({ email: seeded.email, password: seeded.password }),
      });
      if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
      const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      if (!cookie.includes("session_token=")) throw new Error("sign-in set no session cookie");
      return cookie;
    };

    // Both sides answer the same bytes: the body avatar.list answered when seeding.
    const expected = readFileSync(bareFile, "utf8");
    const cookie = await signIn();
    for (const [label, p, headers] of [["avatar.list", seeded.listPath, { cookie }], ["bare", barePath, {}]] as const) {
      const res = await fetch(url + p, { headers });
      const body = await res.text();
      if (res.status !== 200 || body !== expected) throw new Error(`${label} answered ${res.status}, not the expected ${seeded.bytes} bytes: ${body.slice(0, 300)}`);
    }

    // A load run ends with requests still queued in the server; wait until it answers promptly
    // again, or the next run would be measured against the previous one's backlog.
    const settle = async () => {
      for (let i = 0; i < 60; i++) {
        const started = performance.now();
        await fetch(url + barePath).then((r) => r.arrayBuffer());
        if (performance.now() - started < 100) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const trpc = async (seconds: number) => {
      // Signed in, and the new cookie's session read once, before the settle pause: that cost
      // (scrypt, a database read) belongs to signing in, not to the requests measured after it.
      const headers = { cookie: await signIn() };
      await fetch(url + seeded.listPath, { headers }).then((r) => r.arrayBuffer());
      await settle();
      return load(url + seeded.listPath, headers, seconds, pid);
    };
    const bare = async (seconds: number) => (await settle(), load(url + barePath, {}, seconds, pid));
    await bare(options.warmupSeconds);
    await trpc(options.warmupSeconds);
    const b: Run[] = [];
    const t: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternating who goes first cancels any carry-over from the run before.
      if (i % 2 === 0) {
        b.push(await bare(options.seconds));
        t.push(await trpc(options.seconds));
      } else {
        t.push(await trpc(options.seconds));
        b.push(await bare(options.seconds));
      }
    }
    const avatarList = summary(t);
    const bareHandler = summary(b);
    const rate = (r: Run) => (r.total - r.non2xx) / r.seconds;
    // A bare side that answered nothing makes a broken round (0), never an infinite ratio.
    const roundRatios = t.map((run, i) => (rate(b[i]!) > 0 ? round(rate(run) / rate(b[i]!), 2) : 0));
    const ratio = round(median(roundRatios), 2);
    return {
      server: "next start (production build)",
      build: { distDir, ...build },
      database: seeded.database,
      avatars: seeded.avatars,
      responseBytes: seeded.bytes,
      connections: 50,
      seconds: options.seconds,
      rounds,
      avatarList,
      bareHandler,
      /** Median of roundRatios; the ratio of the totals is kept beside it for comparison. */
      ratio,
      roundRatios,
      ratioOfTotals: bareHandler.requestsPerSecond > 0 ? round(avatarList.requestsPerSecond / bareHandler.requestsPerSecond, 2) : null,
      targets: { ratioMin: 0.8 },
      met: { ratio: ratio >= 0.8 },
    };
  } finally {
    await server?.stop();
    await scratchDb?.drop().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  }
}

