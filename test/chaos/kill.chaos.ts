import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/server/db/client";
import { tiersForPlan, type Plan } from "~/server/tiers";
import { startFakeHuggingFace, type FakeHuggingFace } from "../fakes/huggingface";
import { freePort } from "../helpers/app";
import { portraitJpeg } from "../helpers/photos";
import { checkInvariants } from "./invariants";
import { chaosRandom, faultScript } from "./random";

/**
 * SIGKILL the whole app (server + executor + workflow, one process on a file-backed PGlite) at
 * random moments while generations run, with random faults from the fake Hugging Face server,
 * at least 10 times; restart it each time on the same database and storage, let it drain, then
 * check the invariants: every generation terminal, failed ones refunded once, no duplicate
 * avatar, no double charge, ledger = balance ≥ 0, no input photo left.
 */
const KILLS = 11;
const rand = chaosRandom();
const root = path.resolve(__dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "chaos-kill-"));
const dirs = { PGLITE_DIR: path.join(tmp, "pglite"), STORAGE_DIR: path.join(tmp, "storage") };
let fake: FakeHuggingFace;
let child: ChildProcess | undefined;
let base = "";
let childEnv: Record<string, string> = {};

async function startChild(): Promise<ChildProcess> {
  // `node --import tsx`, not the tsx binary (which forks): SIGKILL must hit the app itself.
  const c = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "app-child.ts")], {
    cwd: root,
    env: { ...process.env, ...dirs, ...childEnv, LOG_LEVEL: "silent", FACE_CHECK: "off" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`app-child not ready in 90 s: ${out}`)), 90_000);
    c.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes('"ready":true')) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.once("exit", (code) => reject(new Error(`app-child exited with ${code} before ready: ${out}`)));
  });
  c.removeAllListeners("exit");
  return c;
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null || c.signalCode ? resolve(c.exitCode) : c.once("exit", resolve)));

async function trpc<T>(pathName: string, input: unknown, cookie: string): Promise<T> {
  const res = await fetch(`${base}/api/trpc/${pathName}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${pathName}: ${res.status} ${body.error?.json.message}`);
  return body.result.data.json;
}

async function getGeneration(id: string, cookie: string): Promise<{ status: string }> {
  const input = encodeURIComponent(JSON.stringify({ json: { id } }));
  const res = await fetch(`${base}/api/trpc/generation.get?input=${input}`, { headers: { cookie } });
  return ((await res.json()) as { result: { data: { json: { status: string } } } }).result.data.json;
}

async function signUp(email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password: "correct horse battery", name: email.split("@")[0] }),
  });
  if (!res.ok) throw new Error(`sign-up ${email}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

beforeAll(async () => {
  console.info(`kill chaos: CHAOS_SEED=${rand.seed}`);
  fake = await startFakeHuggingFace();
  const [port, executorPort] = [await freePort(), await freePort()];
  childEnv = { PORT: String(port), EXECUTOR_PORT: String(executorPort), FAKE_HF_URL: fake.url, TIME_SCALE: "0.002", HANG_TIMEOUT_MS: "300" };
  base = `http://127.0.0.1:${port}`;
  child = await startChild();
});
afterAll(async () => {
  if (child && child.exitCode === null && !child.signalCode) child.kill("SIGKILL");
  await fake?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe(`SIGKILL ×${KILLS} mid-run, restart, drain`, () => {
  it("keeps every promise of a paid job", async () => {
    fake.enqueue(...faultScript(rand, 200));
    fake.enqueueFlux(...faultScript(rand, 60));
    const adminCookie = await signUp("admin@chaos.test");
    const users: Array<{ cookie: string; plan: Plan; projectId: string }> = [];
    for (const plan of ["free", "pro", "enterprise"] as const) {
      const email = `${plan}@chaos.test`;
      const cookie = await signUp(email);
      await trpc("admin.setPlan", { email, plan }, adminCookie);
      await trpc("admin.grantCredits", { email, amount: 5_000, reason: "chaos" }, adminCookie);
      users.push({ cookie, plan, projectId: (await trpc<{ id: string }>("project.create", { name: plan }, cookie)).id });
    }
    const photo = await portraitJpeg(11, 384, 512);
    const submitted: Array<{ id: string; cookie: string }> = [];

    for (let kill = 1; kill <= KILLS; kill++) {
      // A few submissions, each answered before the kill: the kill lands while their runs are in flight.
      await Promise.all(
        Array.from({ length: rand.int(3, 5) }, async () => {
          const u = rand.pick(users);
          const form = new FormData();
          const fields = { projectId: u.projectId, name: "chaos", prompt: "portrait by a window", gender: "man", tier: rand.pick(tiersForPlan(u.plan)) };
          for (const [k, v] of Object.entries(fields)) form.set(k, v);
          form.set("photo0", new File([new Uint8Array(photo)], "me.jpg", { type: "image/jpeg" }));
          const res = await fetch(`${base}/api/trpc/avatar.generateWithPhotoMaker`, { method: "POST", headers: { cookie: u.cookie }, body: form });
          const body = (await res.json()) as { result?: { data: { json: { generationId: string } } } };
          if (!body.result) throw new Error(`submit answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
          submitted.push({ id: body.result.data.json.generationId, cookie: u.cookie });
        }),
      );
      await new Promise((r) => setTimeout(r, rand.int(30, 1_500)));
      child!.kill("SIGKILL");
      expect(await exited(child!)).toBeNull(); // killed, not exited
      child = await startChild();
    }

    // Drain: every generation reaches an end after the last restart.
    const deadline = Date.now() + 150_000;
    for (const s of submitted) {
      while (!["succeeded", "failed"].includes((await getGeneration(s.id, s.cookie)).status)) {
        if (Date.now() > deadline) throw new Error(`generation ${s.id} never finished after the restarts`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    child!.kill("SIGTERM");
    expect(await exited(child!)).toBe(0);

    const handle = await openDatabase({ pgliteDir: dirs.PGLITE_DIR });
    try {
      const summary = await checkInvariants(handle.db, dirs.STORAGE_DIR);
      console.info(`kill chaos: ${submitted.length} submitted, ${JSON.stringify({ ...summary, violations: summary.violations.length })}`);
      expect(summary.violations).toEqual([]);
      expect(summary.generations).toBe(submitted.length); // none lost, none invented
      expect(new Set(submitted.map((s) => s.id)).size).toBe(submitted.length);
    } finally {
      await handle.close();
    }
  }, 330_000);
});
