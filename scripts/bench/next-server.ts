import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** The real production server for the API benchmark: `next build` when stale, then `npm start`'s process. */

const root = path.resolve(import.meta.dirname, "../..");

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((max, name) => Math.max(max, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

/** Builds into distDir unless its BUILD_ID is newer than every source the build reads. */
export function ensureBuild(distDir: string): { built: boolean; seconds: number } {
  const buildId = path.join(root, distDir, "BUILD_ID");
  const sources = ["src", "next.config.mjs", "package.json", "tsconfig.app.json", "postcss.config.mjs"].map((p) => path.join(root, p));
  const newestSource = Math.max(...sources.map(newestMtime));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource) return { built: false, seconds: 0 };
  console.error(`api: ${distDir}/BUILD_ID is ${existsSync(buildId) ? "older than src/" : "missing"}: running next build (minutes on 2 shared CPUs)…`);
  const started = performance.now();
  const result = spawnSync("npm", ["run", "build"], { cwd: root, env: { ...process.env, NEXT_DIST_DIR: distDir }, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  return { built: true, seconds: Math.round((performance.now() - started) / 1000) };
}

export interface NextServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** src/server/start.ts as `npm start` runs it (NODE_ENV=production), waiting until it answers. */
export async function startNext(env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<NextServer> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "src/server/start.ts"], {
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: "production", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM"); // start.ts shuts down and closes the database
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/api/trpc/system.health`).then((r) => r.ok, () => false);
    if (ok) return { url, pid: child.pid!, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer within 180 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
