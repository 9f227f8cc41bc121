import { readdirSync } from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargeCredits, ledgerSum } from "~/server/credits";
import { avatarImageResponse } from "~/server/images";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { waitForGeneration } from "../helpers/wait";

/** The whole path with the offline engine: FormData → intake → charge → executor → avatar. */
let app: TestApp;
let photo: Buffer;
beforeAll(async () => {
  app = await createTestApp({ jobs: true });
  photo = await portraitJpeg();
});
afterAll(() => app.close());

async function userWithProject(): Promise<TestUser & { projectId: string }> {
  const user = await app.signUp();
  const project = await user.caller.project.create({ name: "Studio" });
  return { ...user, projectId: project.id };
}

const fields = (projectId: string, extra: Record<string, string | number> = {}) => ({
  projectId,
  name: "Headshot",
  prompt: "wearing a navy suit, office background",
  gender: "woman",
  style: "Photographic (Default)",
  ...extra,
});

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
  } catch {
    return [];
  }
}

async function trpcCode(promise: Promise<unknown>) {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? `${error.code}: ${error.message}` : String(error);
  }
}

describe("generateWithPhotoMaker (offline engine, real executor)", () => {
  it("charges the plan's best tier once, runs in the background and stores an image and thumbnail", async () => {
    const u = await userWithProject();
    const res = await u.caller.avatar.generateWithPhotoMaker(photoForm(fields(u.projectId, { seed: 1234 }), [{ bytes: photo }]));
    expect(res.generation).toMatchObject({ status: "queued", tier: "basic", creditCost: 18 });
    expect(await u.caller.credits.balance()).toEqual({ balance: 82 });

    const done = await waitForGeneration(u, res.generationId);
    expect(done).toMatchObject({ status: "succeeded", stage: "succeeded", engine: "offline", errorCode: null });
    expect(done.settings).toMatchObject({ seed: 1234, width: 512, height: 512, style: "Photographic (Default)" });
    expect(done.attempts).toHaveLength(1);

    const [avatar] = (await u.caller.avatar.list({ projectId: u.projectId })).items;
    expect(avatar).toMatchObject({ generationId: res.generationId, engine: "offline", offlinePreview: true, width: 512, height: 512 });

    const thumb = await avatarImageResponse({ db: app.db, storage: app.storage }, u.id, avatar!.id, "thumb");
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    const thumbMeta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(thumbMeta).toMatchObject({ format: "webp", width: 256, height: 256 });
    const full = await avatarImageResponse({ db: app.db, storage: app.storage }, u.id, avatar!.id, "full");
    expect((await sharp(Buffer.from(await full.arrayBuffer())).metadata()).width).toBe(512);

    expect(filesUnder(path.join(app.storageDir, "inputs", u.id))).toEqual([]);
    expect(filesUnder(path.join(app.storageDir, "work", u.id))).toEqual([]);
    expect(await u.caller.credits.balance()).toEqual({ balance: 82 });
    expect(await ledgerSum(app.db, u.id)).toBe(82);
  });

  it("serves an avatar image to its owner only", async () => {
    const owner = await userWithProject();
    const other = await app.signUp();
    const res = await owner.caller.avatar.generateWithPhotoMaker(photoForm(fields(owner.projectId), [{ bytes: photo }]));
    await waitForGeneration(owner, res.generationId);
    const [avatar] = (await owner.caller.avatar.list({ projectId: owner.projectId })).items;
    const deps = { db: app.db, storage: app.storage };
    expect((await avatarImageResponse(deps, other.id, avatar!.id, "full")).status).toBe(404);
    expect((await avatarImageResponse(deps, null, avatar!.id, "full")).status).toBe(404);
    expect(await trpcCode(other.caller.avatar.delete({ id: avatar!.id }))).toMatch(/^NOT_FOUND/);
    expect(await trpcCode(other.caller.generation.get({ id: res.generationId }))).toMatch(/^NOT_FOUND/);
    await owner.caller.avatar.delete({ id: avatar!.id });
    expect((await avatarImageResponse(deps, owner.id, avatar!.id, "full")).status).toBe(404);
    expect(filesUnder(path.join(app.storageDir, "avatars", owner.id))).toEqual([]);
  });

  it("treats the same idempotency key twice as one generation and one charge", async () => {
    const u = await userWithProject();
    const form = () => photoForm(fields(u.projectId, { idempotencyKey: "click-1" }), [{ bytes: photo }]);
    const [a, b] = await Promise.all([u.caller.avatar.generateWithPhotoMaker(form()), u.caller.avatar.generateWithPhotoMaker(form())]);
    expect(a.generationId).toBe(b.generationId);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    await waitForGeneration(u, a.generationId);
    expect(await u.caller.credits.balance()).toEqual({ balance: 82 });
    expect((await u.caller.generation.list({ projectId: u.projectId })).items).toHaveLength(1);
    // The repeat stored its photos before its charge found the first one: they are gone again.
    expect(filesUnder(path.join(app.storageDir, "inputs", u.id))).toEqual([]);
  });

  it("refuses bad requests before charging anything", async () => {
    const u = await userWithProject();
    const other = await userWithProject();
    const gen = (f: FormData) => trpcCode(u.caller.avatar.generateWithPhotoMaker(f));
    expect(await gen(photoForm(fields(u.projectId), []))).toBe("BAD_REQUEST: Please upload at least one photo");
    expect(await gen(photoForm(fields(u.projectId, { tier: "pro" }), [{ bytes: photo }]))).toBe(
      "BAD_REQUEST: Your free plan doesn't include the pro tier",
    );
    expect(await gen(photoForm(fields(u.projectId, { style: "imgur look" }), [{ bytes: photo }]))).toMatch(/^BAD_REQUEST: The style can't contain "img"/);
    expect(await gen(photoForm(fields(u.projectId, { prompt: "a man img and a woman img" }), [{ bytes: photo }]))).toMatch(/^BAD_REQUEST/);
    expect(await gen(photoForm(fields(u.projectId, { styleStrength: 2 }), [{ bytes: photo }]))).toBe(
      "BAD_REQUEST: styleStrength: Style strength must be between 0.5 and 0.95",
    );
    expect(await gen(photoForm(fields(other.projectId), [{ bytes: photo }]))).toMatch(/^NOT_FOUND/);
    expect(await gen(photoForm(fields(u.projectId), [{ bytes: Buffer.from("hello"), name: "me.jpg" }]))).toMatch(/^BAD_REQUEST: .*photo 1/i);
    expect(await u.caller.credits.balance()).toEqual({ balance: 100 });
    expect((await u.caller.generation.list({ projectId: u.projectId })).items).toEqual([]);
    expect(filesUnder(path.join(app.storageDir, "inputs", u.id))).toEqual([]);
  });

  it("answers PAYMENT_REQUIRED when credits are short, leaving the balance and storage untouched", async () => {
    const u = await userWithProject();
    // Spend 90 of the 100 welcome credits directly: the state under test is "10 left".
    await app.db.transaction((tx) => chargeCredits(tx, { userId: u.id, amount: 90, description: "earlier use", idempotencyKey: "drain" }));
    expect(await u.caller.credits.balance()).toEqual({ balance: 10 });
    expect(await trpcCode(u.caller.avatar.generateWithPhotoMaker(photoForm(fields(u.projectId), [{ bytes: photo }])))).toBe(
      "PAYMENT_REQUIRED: Not enough credits: this costs 18 credits and your balance is 10.",
    );
    expect(await u.caller.credits.balance()).toEqual({ balance: 10 });
    expect(filesUnder(path.join(app.storageDir, "inputs", u.id))).toEqual([]);
  });

  it("generates again with the same settings and seed as a new paid generation", async () => {
    const u = await userWithProject();
    const first = await u.caller.avatar.generateWithPhotoMaker(photoForm(fields(u.projectId, { seed: 77 }), [{ bytes: photo }]));
    await waitForGeneration(u, first.generationId);
    const again = new FormData();
    again.set("generationId", first.generationId);
    again.set("photo0", new File([new Uint8Array(photo)], "me.jpg"));
    const second = await u.caller.generation.retry(again);
    expect(second.generationId).not.toBe(first.generationId);
    const done = await waitForGeneration(u, second.generationId);
    expect(done.settings.seed).toBe(77);
    expect(done.settings.prompt).toBe("wearing a navy suit, office background");
    expect(await u.caller.credits.balance()).toEqual({ balance: 64 });
  });
});

describe("when the event cannot be sent", () => {
  it("refunds at once and says so: never a charge without a run", async () => {
    const broken = await createTestApp();
    try {
      const u = await broken.signUp();
      const project = await u.caller.project.create({ name: "x" });
      const result = await trpcCode(u.caller.avatar.generateWithPhotoMaker(photoForm(fields(project.id), [{ bytes: photo }])));
      expect(result).toBe("SERVICE_UNAVAILABLE: We couldn't start the generation; your 18 credits were returned. Please try again.");
      expect(await u.caller.credits.balance()).toEqual({ balance: 100 });
      const [g] = (await u.caller.generation.list({ projectId: project.id })).items;
      expect(g).toMatchObject({ status: "failed", errorCode: "START_FAILED", refundedCredits: 18 });
      expect(filesUnder(path.join(broken.storageDir, "inputs"))).toEqual([]);
    } finally {
      await broken.close();
    }
  });
});
