import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, like, sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executorJobs } from "~/executor/schema";
import { openDatabase, type DatabaseHandle } from "~/server/db/client";
import { avatars, creditLedger, generations } from "~/server/db/schema";
import { ensureBuild, startNext, type NextServer } from "../../scripts/bench/next-server";
import { startFakeHuggingFace, type FakeHuggingFace } from "../fakes/huggingface";
import { scratchDatabase } from "../helpers/db";
import { facePhotoJpeg } from "../helpers/faces";
import { freePort } from "../helpers/net";
import { startS3Server } from "../helpers/s3";

/**
 * Two production instances (the build, two `npm start` processes) on one PostgreSQL and one
 * S3-compatible server, each with its executor thread: what a load balancer in front of them
 * would give its users. Only the PostgreSQL pass runs it (test/pg/).
 */
const PUBLIC_ORIGIN = "http://avatars.lb.test"; // the load balancer's origin, trusted by both
const ADMIN = "admin@instances.test";
const PASSWORD = "correct horse battery";

let fake: FakeHuggingFace;
let s3: Awaited<ReturnType<typeof startS3Server>>;
let database: { url: string; drop(): Promise<void> };
let db: DatabaseHandle;
let a: NextServer;
let b: NextServer;
const scratch = path.join(tmpdir(), `instances-${process.pid}-${Date.now()}`);

async function startInstance(name: string): Promise<NextServer> {
  const [port, executorPort] = [await freePort(), await freePort()];
  return startNext(
    {
      NEXT_DIST_DIR: ".next-e2e",
      DATABASE_URL: database.url,
      EXECUTOR_PORT: String(executorPort),
      EXECUTOR_TIME_SCALE: "0.01",
      DATA_DIR: path.join(scratch, name),
      STORAGE_DIR: path.join(scratch, name, "storage"), // not used: S3_BUCKET is set
      BETTER_AUTH_URL: PUBLIC_ORIGIN,
      BETTER_AUTH_SECRET: "instances-test-secret-0123456789abcdef0123",
      ADMIN_EMAILS: ADMIN,
      AUTH_RATE_LIMIT: "off",
      API_RATE_LIMIT_PER_MINUTE: "10",
      GENERATION_CONCURRENCY: "2",
      GENERATION_ENGINE: "huggingface",
      HUGGINGFACE_API_KEY: "hf_fake_instances",
      PHOTOMAKER_ENDPOINT_URL: fake.photomakerUrl,
      HUGGINGFACE_HOSTS_OVERRIDE: fake.url,
      FLUX_PROVIDER: "hf-inference",
      LOG_LEVEL: "warn",
      ...s3.env,
    },
    port,
  );
}

beforeAll(async () => {
  ensureBuild(".next-e2e"); // the browser tests' build: already there after `npm test`
  fake = await startFakeHuggingFace();
  fake.setDefault("image");
  s3 = await startS3Server({ imageDelivery: "redirect" });
  database = await scratchDatabase(process.env.DATABASE_URL!, "instances");
  // Started together: both migrate the empty database at once (under the migration lock).
  [a, b] = await Promise.all([startInstance("a"), startInstance("b")]);
  db = await openDatabase({ databaseUrl: database.url, maxConnections: 2 });
}, 600_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.close();
  await database?.drop();
  await s3?.close();
  await fake?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// ---- a browser-like client and a script, over HTTP --------------------------------------------

const browserHeaders = (cookie: string) => ({ cookie, origin: PUBLIC_ORIGIN });

async function signUp(on: NextServer, email: string): Promise<string> {
  const res = await fetch(`${on.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: PUBLIC_ORIGIN },
    body: JSON.stringify({ email, password: PASSWORD, name: email.split("@")[0] }),
  });
  if (!res.ok) throw new Error(`sign-up ${email}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

async function trpc<T>(on: NextServer, pathName: string, input: unknown, cookie: string): Promise<T> {
  const res = await fetch(`${on.url}/api/trpc/${pathName}`, {
    method: "POST",
    headers: { ...browserHeaders(cookie), "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${pathName} on ${on.url}: ${res.status} ${body.error?.json.message}`);
  return body.result.data.json;
}

async function query<T>(on: NextServer, pathName: string, input: unknown, cookie: string): Promise<T> {
  const res = await fetch(`${on.url}/api/trpc/${pathName}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: browserHeaders(cookie) });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${pathName} on ${on.url}: ${res.status} ${body.error?.json.message}`);
  return body.result.data.json;
}

interface Person {
  email: string;
  cookie: string;
  projectId: string;
}

/** A user who signed up on `on`, with credits granted by the administrator and a project. */
async function person(on: NextServer, email: string, credits: number, adminCookie: string): Promise<Person> {
  const cookie = await signUp(on, email);
  if (credits > 0) await trpc(on, "admin.grantCredits", { email, amount: credits, reason: "instances test" }, adminCookie);
  const { id } = await trpc<{ id: string }>(on, "project.create", { name: "Two instances" }, cookie);
  return { email, cookie, projectId: id };
}

let photo: Buffer;
async function submit(on: NextServer, p: Person): Promise<string> {
  const form = new FormData();
  const fields = { projectId: p.projectId, name: "Across", prompt: "portrait by a window", gender: "woman", tier: "basic" };
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("photo0", new File([new Uint8Array(photo)], "me.jpg", { type: "image/jpeg" }));
  const res = await fetch(`${on.url}/api/trpc/avatar.generateWithPhotoMaker`, { method: "POST", headers: browserHeaders(p.cookie), body: form });
  const body = (await res.json()) as { result?: { data: { json: { generationId: string } } } };
  if (!body.result) throw new Error(`submit on ${on.url} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.result.data.json.generationId;
}

const FINAL = new Set(["succeeded", "failed"]);

/** Every generation reaches an end, read from the database the instances share. */
async function allEnd(ids: string[], timeoutMs: number): Promise<Array<{ id: string; status: string }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.db.select({ id: generations.id, status: generations.status }).from(generations);
    const mine = rows.filter((r) => ids.includes(r.id));
    if (mine.length === ids.length && mine.every((r) => FINAL.has(r.status))) return mine;
    if (Date.now() > deadline) throw new Error(`not finished: ${JSON.stringify(mine.filter((r) => !FINAL.has(r.status)))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `generation.watch` as the browser's subscription link reads it: server-sent events over HTTP. */
function watch(on: NextServer, p: Person) {
  const ac = new AbortController();
  const stages = new Map<string, string[]>();
  const input = encodeURIComponent(JSON.stringify({ json: { projectId: p.projectId } }));
  const reading = (async () => {
    const res = await fetch(`${on.url}/api/trpc/generation.watch?input=${input}`, {
      headers: { ...browserHeaders(p.cookie), accept: "text/event-stream", "sec-fetch-site": "same-origin" },
      signal: ac.signal,
    });
    if (res.status !== 200) throw new Error(`watch answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split("\n").find((l) => l.startsWith("data: "));
        if (!data) continue;
        const parsed = JSON.parse(data.slice(6)) as { json?: { id?: string; stage?: string } };
        const view = parsed.json;
        if (!view?.id || !view.stage) continue; // the connection's own messages
        const seen = stages.get(view.id) ?? [];
        if (seen.at(-1) !== view.stage) seen.push(view.stage);
        stages.set(view.id, seen);
      }
    }
  })().catch((error: unknown) => {
    if (!ac.signal.aborted) throw error;
  });
  return { stages, stop: async () => (ac.abort(), await reading) };
}

// ---- the proof -----------------------------------------------------------------------------------

let adminCookie: string;
beforeAll(async () => {
  photo = await facePhotoJpeg(0, { width: 640, height: 800 });
  adminCookie = await signUp(a, ADMIN);
});

describe("two instances, one PostgreSQL, one bucket", { timeout: 240_000 }, () => {
  it("upload on A, watch on B: every stage arrives live, the avatar downloads from B, no photo stays in the bucket", async () => {
    fake.reset();
    fake.setDefault("image");
    fake.setLatency(1_500); // long enough that each stage is a moment of its own
    const p = await person(a, "watcher@instances.test", 0, adminCookie);
    const watcher = watch(b, p);
    await new Promise((r) => setTimeout(r, 300)); // subscribed before the upload
    const id = await submit(a, p);
    const [end] = await allEnd([id], 60_000);
    await new Promise((r) => setTimeout(r, 1_000)); // the last NOTIFY
    await watcher.stop();

    expect(end!.status).toBe("succeeded");
    const seen = watcher.stages.get(id) ?? [];
    expect(seen[0]).toBe("queued");
    expect(seen).toContain("generating");
    expect(seen.at(-1)).toBe("succeeded");
    const order = ["queued", "generating", "retrying", "falling_back", "saving", "succeeded"];
    expect([...seen].sort((x, y) => order.indexOf(x) - order.indexOf(y))).toEqual(seen);

    const made = await db.db.select({ id: avatars.id }).from(avatars).where(eq(avatars.generationId, id));
    expect(made).toHaveLength(1);
    const avatarId = made[0]!.id;
    // B checks the owner, then hands the browser a short-lived address in the bucket.
    const image = await fetch(`${b.url}/api/images/${avatarId}?size=full`, { headers: browserHeaders(p.cookie), redirect: "manual" });
    expect(image.status).toBe(302);
    const location = image.headers.get("location")!;
    expect(location.startsWith(s3.endpoint)).toBe(true);
    const bytes = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect((await sharp(bytes).metadata()).width).toBe(512);
    // Someone else's session gets nothing from either instance.
    const other = await signUp(b, "other@instances.test");
    expect((await fetch(`${a.url}/api/images/${avatarId}?size=full`, { headers: browserHeaders(other), redirect: "manual" })).status).toBe(404);

    const [owner] = await db.db.select({ userId: generations.userId }).from(generations).where(eq(generations.id, id));
    const kept = await s3.keys(`avatars/${owner!.userId}/`);
    expect(kept.filter((k) => k.endsWith("/full.png") || k.endsWith("/full.jpg") || k.endsWith("/full.webp"))).toHaveLength(1);
    expect(kept.filter((k) => k.endsWith("/thumb.webp"))).toHaveLength(1);
    expect(await s3.keys("inputs/")).toEqual([]);
    expect(await s3.keys("work/")).toEqual([]);
  });

  it("20 generations split across both with GENERATION_CONCURRENCY=2: never more than 2 engine calls at once, all end", async () => {
    fake.reset();
    fake.setDefault("image");
    fake.setLatency(400);
    const p = await person(b, "many@instances.test", 20 * 18, adminCookie);
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(i % 2 ? b : a, p)));
    const ends = await allEnd(ids, 180_000);
    expect(ends.every((e) => e.status === "succeeded")).toBe(true);
    expect(fake.maxInFlight).toBe(2); // the limit was reached, and held, across both executors
    expect(await s3.keys("inputs/")).toEqual([]);
  });

  it("SIGKILL A mid-run: B finishes every generation, each charged once, refunded at most once, one avatar per success", async () => {
    fake.reset();
    fake.setDefault("image");
    fake.setLatency(2_500);
    const p = await person(a, "survivor@instances.test", 8 * 18, adminCookie);

    // B stands still (SIGSTOP, while idle) until A holds an engine call's lease: with both
    // running, B could win both slots and keep them, and A would die holding nothing.
    process.kill(b.pid, "SIGSTOP");
    let ids: string[];
    try {
      ids = await Promise.all(Array.from({ length: 8 }, () => submit(a, p)));
      const deadline = Date.now() + 60_000;
      for (;;) {
        const held = await db.db
          .select({ id: executorJobs.id })
          .from(executorJobs)
          .where(and(like(executorJobs.lockedBy, `%:${a.pid}:%`), sql`${executorJobs.concurrencyKey} is not null`));
        if (held.length > 0) break;
        if (Date.now() > deadline) throw new Error("A's executor never took a generation");
        await new Promise((r) => setTimeout(r, 50));
      }
      // Kill A while its executor holds that lease; B takes over once it has run out.
      process.kill(a.pid, "SIGKILL");
    } finally {
      process.kill(b.pid, "SIGCONT");
    }

    const ends = await allEnd(ids, 180_000); // within the 30 s lease, then the work itself
    expect(ends.filter((e) => e.status === "succeeded")).toHaveLength(ids.length);

    const ledger = await db.db.select().from(creditLedger).where(sql`${creditLedger.referenceId} in ${ids}`);
    for (const id of ids) {
      expect(ledger.filter((l) => l.referenceId === id && l.kind === "charge")).toHaveLength(1);
      expect(ledger.filter((l) => l.referenceId === id && l.kind === "refund").length).toBeLessThanOrEqual(1);
      expect(await db.db.select({ id: avatars.id }).from(avatars).where(eq(avatars.generationId, id))).toHaveLength(1);
    }
    expect(await s3.keys("inputs/")).toEqual([]);
    // B still answers the user whose work A started.
    expect((await query<{ status: string }>(b, "generation.get", { id: ids[0] }, p.cookie)).status).toBe("succeeded");
  });

  it("the REST limit of 10 a minute is 10 in total across both instances", async () => {
    fake.reset();
    const alive = [b, await startInstance("a2")]; // A was killed above: a new instance in its place
    try {
      const p = await person(b, "script@instances.test", 10 * 18, adminCookie);
      const { token } = await trpc<{ token: string }>(b, "apiToken.create", { name: "ci" }, p.cookie);
      const answers: Array<{ status: number; id?: string }> = [];
      for (let i = 0; i < 14; i++) {
        const form = new FormData();
        form.set("photo0", new File([new Uint8Array(photo)], "me.jpg", { type: "image/jpeg" }));
        for (const [k, v] of Object.entries({ name: "Scripted", prompt: "professional business headshot", style: "business professional" })) form.set(k, v);
        const res = await fetch(`${alive[i % 2]!.url}/api/avatar-creator/projects/${p.projectId}/avatars/generate-with-photo`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
          body: form,
        });
        const body = (await res.json()) as { generation?: { id: string } };
        answers.push({ status: res.status, id: body.generation?.id });
      }
      expect(answers.map((x) => x.status)).toEqual([...Array(10).fill(201), 429, 429, 429, 429]);
      await allEnd(answers.flatMap((x) => (x.id ? [x.id] : [])), 120_000);
    } finally {
      await alive[1]!.stop();
    }
  });
});
