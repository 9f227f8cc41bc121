import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import postgres from "postgres";
import { percentile, round } from "./stats";

/**
 * avatar.list (200 avatars) over HTTP at 50 connections against a bare handler answering the same
 * JSON, both served by the same node:http server in a child process; the load comes from
 * autocannon in this process. Each side: a warm-up, then a measured run; they alternate.
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

function load(url: string, headers: Record<string, string>, seconds: number) {
  return new Promise<{ rps: number; p50: number; p95: number; total: number; non2xx: number; errors: number }>((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon({ url, connections: 50, duration: seconds, headers }, (err, result) => {
      if (err) return reject(err);
      resolve({
        rps: (result.requests.total - result.non2xx) / seconds,
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        total: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      });
    });
    instance.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  });
}

interface Ready {
  url: string;
  cookie: string;
  trpcPath: string;
  barePath: string;
  bytes: number;
  database: string;
}

export async function benchApi(options: { seconds: number; warmupSeconds: number }) {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "api-server.ts")], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let scratch = "";
  child.stderr.on("data", (d: Buffer) => {
    const text = d.toString();
    scratch = /scratch database (\S+)/.exec(text)?.[1] ?? scratch;
    if (!text.includes("scratch database")) process.stderr.write(text);
  });
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve(JSON.parse(line) as Ready);
      });
      child.on("exit", (code) => reject(new Error(`api-server exited with ${code}`)));
    });
    // A load run ends with requests still queued in the server; wait until it answers promptly
    // again, or the next run would be measured against the previous one's backlog.
    const settle = async () => {
      for (let i = 0; i < 60; i++) {
        const started = performance.now();
        await fetch(ready.url + ready.barePath).then((r) => r.arrayBuffer());
        if (performance.now() - started < 100) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const trpc = async () => (await settle(), load(ready.url + ready.trpcPath, { cookie: ready.cookie }, options.seconds));
    const bare = async () => (await settle(), load(ready.url + ready.barePath, {}, options.seconds));
    await load(ready.url + ready.barePath, {}, options.warmupSeconds);
    await settle();
    await load(ready.url + ready.trpcPath, { cookie: ready.cookie }, options.warmupSeconds);
    const b = await bare();
    const t = await trpc();
    return {
      server: "node:http in a child process, fetch-style handlers (no Next.js build)",
      database: ready.database,
      responseBytes: ready.bytes,
      connections: 50,
      seconds: options.seconds,
      // errors = timeouts (10 s) and socket errors; non2xx must stay 0 (a 4xx/5xx would be a broken run).
      avatarList: { requestsPerSecond: round(t.rps), p50Ms: round(t.p50), p95Ms: round(t.p95), requests: t.total, non2xx: t.non2xx, errors: t.errors },
      bareHandler: { requestsPerSecond: round(b.rps), p50Ms: round(b.p50), p95Ms: round(b.p95), requests: b.total, non2xx: b.non2xx, errors: b.errors },
      ratio: b.rps > 0 ? round(t.rps / b.rps, 2) : null,
      targets: { ratioMin: 0.8 },
      met: { ratio: b.rps > 0 && t.rps / b.rps >= 0.8 },
    };
  } finally {
    child.kill("SIGKILL");
    if (scratch && process.env.DATABASE_URL) {
      const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  }
}
