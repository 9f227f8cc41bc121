import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

/** Small helpers shared by the benchmark sections. */

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

export const MB = 1024 * 1024;

/**
 * Busy CPU ms of the whole machine so far (every process, all CPUs: user, nice, system, irq,
 * softirq, steal from /proc/stat, counted in 1/100 s), or null where there is no /proc. Includes
 * a PostgreSQL server on the same machine, which the bench process's own CPU time does not.
 */
export function machineBusyMs(): number | null {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) * 10;
  } catch {
    return null;
  }
}

/** user + system CPU ms from a /proc/…/stat line (Linux counts in 1/100 s). */
function statCpuMs(file: string): number {
  const stat = readFileSync(file, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU ms a process has used so far: all its threads, and its main thread alone (for the API's
 * server, where Next and the route handlers run). null where there is no /proc (not Linux).
 */
export function processCpuMs(pid: number): { process: number; main: number } | null {
  try {
    return { process: statCpuMs(`/proc/${pid}/stat`), main: statCpuMs(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return null;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Runs a TypeScript file in a child process (`node --import tsx`, so the child is one process
 * and its RSS is its own) and returns the last JSON line it prints on stdout.
 */
export function runChild<T>(file: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, file), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
      if (code !== 0 || !line) return reject(new Error(`${file} exited with ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(line) as T);
    });
  });
}
