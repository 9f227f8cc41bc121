import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { scratchDatabase } from "../helpers/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "~/executor";

/** A child process running app + executor is SIGKILLed mid-step, then restarted on the same database. */

const root = path.resolve(__dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "executor-durable-"));
const files = { LOG_FILE: path.join(tmp, "steps.log"), RESULT_FILE: path.join(tmp, "result.json") };
let databaseEnv: Record<string, string> = { PGLITE_DIR: path.join(tmp, "pglite") };
let dropDatabase = async () => {};

function startChild(extra: Record<string, string>): ChildProcess {
  // `node --import tsx`, not the tsx binary: that one forks, and SIGKILL must hit the real process.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "durable-child.ts")], {
    cwd: root,
    env: { ...process.env, ...files, ...databaseEnv, ...extra },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", resolve)));
const logLines = () => (existsSync(files.LOG_FILE) ? readFileSync(files.LOG_FILE, "utf8").trim().split("\n") : []);

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; log: ${logLines().join(", ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("executor: durability across SIGKILL", () => {
  beforeAll(async () => {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) return;
    const scratch = await scratchDatabase(serverUrl, "test_durable");
    databaseEnv = { DATABASE_URL: scratch.url };
    dropDatabase = scratch.drop;
  });
  afterAll(async () => {
    await dropDatabase();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("resumes the run after a restart without re-running a completed step", async () => {
    const first = startChild({ SEND: "1" });
    await until(() => logLines().includes("start:b"), 40_000, "step b to start");
    first.kill("SIGKILL");
    expect(await exited(first)).toBeNull(); // killed, not exited

    const second = startChild({});
    await until(() => existsSync(files.RESULT_FILE), 40_000, "the restarted run to finish");
    expect(await exited(second)).toBe(0);

    const run = JSON.parse(readFileSync(files.RESULT_FILE, "utf8")) as RunView;
    expect(run.status).toBe("completed");
    expect(run.output).toBe("abc");
    // a completed before the kill: never again. b was cut off mid-body: run again, completed once.
    expect(logLines()).toEqual(["start:a", "end:a", "start:b", "start:b", "end:b", "start:c", "end:c"]);
  }, 90_000); // two cold starts of a file-backed PGlite (initdb) dominate
});
