import "../helpers/face-check-off";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance, grantCredits } from "~/server/credits";
import type { Generation, StartDeps } from "~/server/generations/store";
import { handleTRPCRequest } from "~/server/api/http";
import { makeHostileCorpus } from "../../scripts/make-hostile-corpus";
import { createTestApp, type TestApp } from "../helpers/app";

/**
 * The hostile-upload corpus (scripts/make-hostile-corpus.ts, ≥ 40 files) sent the way the
 * browser sends it: multipart FormData over HTTP to avatar.generateWithPhotoMaker with a session
 * cookie. Each file is refused with a 400 naming the photo and nothing charged or stored, or
 * accepted with only its pixels kept (a fresh 8-bit sRGB JPEG, no metadata, no payload). Never a 500.
 */
const corpusDir = mkdtempSync(path.join(tmpdir(), "hostile-corpus-"));
const corpus = await makeHostileCorpus(corpusDir);
const origin = "http://localhost:3000";

let app: TestApp;
let cookie = "";
let userId = "";
/** What the generation got, read from storage at the moment its event is sent. */
const stored = new Map<string, Buffer[]>();

beforeAll(async () => {
  app = await createTestApp({ env: { FACE_CHECK: "off" } });
  const res = await app.auth.handler(
    new Request(`${origin}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email: "uploader@example.com", password: "correct horse battery", name: "Uploader" }),
    }),
  );
  cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  userId = ((await res.json()) as { user: { id: string } }).user.id;
  await grantCredits(app.db, { userId, amount: 10_000, description: "uploads", grantedBy: "test" });
});
afterAll(async () => {
  await app?.close();
  rmSync(corpusDir, { recursive: true, force: true });
});

const jobs = (): StartDeps => ({
  db: app.db,
  storage: app.storage,
  sendEvent: async (g: Generation) => {
    stored.set(g.id, await Promise.all(g.inputKeys.map(async (k) => (await app.storage.get(k))!)));
  },
});

type Body = { result?: { data: { json: { generationId: string; generation: { creditCost: number } } } }; error?: { json: { message: string; data: { code: string; field: string | null } } } };

async function upload(entry: (typeof corpus)[number], projectId: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ projectId, name: "Hostile", prompt: "portrait in a park", gender: "woman" })) form.set(k, v);
  form.set("photo0", new File([readFileSync(path.join(corpusDir, entry.file))], entry.name, { type: entry.type }));
  const res = await handleTRPCRequest(
    new Request(`${origin}/api/trpc/avatar.generateWithPhotoMaker`, { method: "POST", headers: { cookie }, body: form }),
    { db: app.db, env: app.env, auth: app.auth, jobs: jobs() },
  );
  return { status: res.status, body: (await res.json()) as Body };
}

async function state() {
  const generations = (await app.db.query.generations.findMany({ columns: { id: true } })).length;
  let inputs = 0;
  try {
    inputs = readdirSync(path.join(app.storageDir, "inputs"), { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
  } catch {
    inputs = 0;
  }
  return { balance: await getBalance(app.db, userId), generations, inputs };
}

describe("hostile uploads over HTTP", () => {
  it("has a corpus of at least 40 files, both kinds", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(corpus.filter((e) => e.expect === "refuse").length).toBeGreaterThanOrEqual(25);
    expect(corpus.filter((e) => e.expect === "accept").length).toBeGreaterThanOrEqual(10);
  });

  it.each(corpus.map((e) => [e.why, e] as const))("%s", async (_why, entry) => {
    const projectId = await projectIdOnce();
    const before = await state();
    const { status, body } = await upload(entry, projectId);
    const after = await state();
    expect(status, JSON.stringify(body).slice(0, 300)).toBeLessThan(500);

    if (entry.expect === "refuse") {
      expect(status).toBe(400);
      expect(body.error?.json.data).toMatchObject({ code: "BAD_REQUEST", field: "photo0" });
      const message = body.error!.json.message;
      expect(message).toMatch(/\bphoto 1\b/i); // names the photo
      expect(message).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]|\.\.\//); // no control, bidi or path parts echoed
      expect(message.length).toBeLessThan(240);
      expect(after).toEqual(before); // nothing charged, no generation, no file kept
      return;
    }

    expect(status, body.error?.json.message).toBe(200);
    const result = body.result!.data.json;
    expect(after.balance).toBe(before.balance - result.generation.creditCost); // charged once
    expect(after.generations).toBe(before.generations + 1);
    const [bytes] = stored.get(result.generationId)!;
    const meta = await sharp(bytes!).metadata();
    expect(meta).toMatchObject({ format: "jpeg", space: "srgb", channels: 3, depth: "uchar" });
    expect([meta.exif, meta.icc, meta.xmp, meta.iptc, meta.comments]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(meta.orientation ?? 1).toBe(1);
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(2048);
    expect(bytes!.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9])); // ends at EOI: nothing appended
    const text = bytes!.toString("latin1");
    for (const payload of ["<script", "<?php", "PK\u0003\u0004", "Secret", "GPS", "xmpmeta"]) expect(text).not.toContain(payload);
  });
});

let projectId: string | undefined;
async function projectIdOnce(): Promise<string> {
  if (projectId) return projectId;
  const res = await handleTRPCRequest(
    new Request(`${origin}/api/trpc/project.create`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify({ json: { name: "Uploads" } }) }),
    { db: app.db, env: app.env, auth: app.auth, jobs: jobs() },
  );
  projectId = ((await res.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
  return projectId;
}
