import "../helpers/face-check-off";
import { readdirSync } from "node:fs";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { avatars } from "~/server/db/schema";
import { createEngine } from "~/server/engines";
import { parseEnv } from "~/server/env";
import { avatarImageResponse } from "~/server/images";
import { startFakeHuggingFace, type FakeAnswer, type FakeHuggingFace } from "../fakes/huggingface";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { startS3Server, type TestS3 } from "../helpers/s3";
import { waitForGeneration } from "../helpers/wait";
import { restClient } from "../rest/client";

/**
 * The whole app on an S3 bucket (a real s3rver): generations through the real executor store
 * their avatars in the bucket and leave no input photo or work file there, whatever the ending;
 * images reach only their owner, streamed or by a presigned redirect that really downloads.
 * The engine is the real Hugging Face one against the fake (its "hold" keeps a run in flight).
 */
let s3: TestS3;
let fake: FakeHuggingFace;
let app: TestApp;
let photo: Buffer;

beforeAll(async () => {
  s3 = await startS3Server({ imageDelivery: "redirect" });
  fake = await startFakeHuggingFace();
  const config = parseEnv({ GENERATION_ENGINE: "huggingface", HUGGINGFACE_API_KEY: "hf_test", PHOTOMAKER_ENDPOINT_URL: fake.photomakerUrl, HUGGINGFACE_HOSTS_OVERRIDE: fake.url });
  app = await createTestApp({ jobs: { engine: createEngine(config), timeScale: 0.01 }, env: { ...s3.env, FACE_CHECK: "off" } });
  photo = await portraitJpeg(5);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await s3?.close();
});
beforeEach(() => fake.reset());

async function start(u: TestUser, answers: FakeAnswer[], flux: FakeAnswer[] = []) {
  const project = await u.caller.project.create({ name: "Bucket" });
  fake.enqueue(...answers);
  if (flux.length) fake.enqueueFlux(...flux);
  const { generationId } = await u.caller.avatar.generateWithPhotoMaker(photoForm({ projectId: project.id, name: "x", prompt: "portrait", gender: "woman" }, [{ bytes: photo }]));
  return { projectId: project.id, generationId };
}

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const leftovers = async (u: TestUser) => [...(await s3.keys(`inputs/${u.id}/`)), ...(await s3.keys(`work/${u.id}/`))];

describe("generations on object storage", () => {
  it("keeps the photo in the bucket while running, then stores avatar and thumbnail there and deletes the rest", async () => {
    const u = await app.signUp();
    const { projectId, generationId } = await start(u, ["hold"]);
    await until(async () => fake.requests.some((r) => r.target === "photomaker"), "the engine call");
    expect(await s3.keys(`inputs/${u.id}/`)).toEqual([expect.stringMatching(new RegExp(`^inputs/${u.id}/${generationId}/[0-9a-f]{24}\\.jpg$`))]);
    fake.release();

    expect(await waitForGeneration(u, generationId, 30_000)).toMatchObject({ status: "succeeded", engine: "photomaker" });
    const [avatar] = await app.db.select().from(avatars).where(eq(avatars.userId, u.id));
    expect(await s3.keys(`avatars/${u.id}/`)).toEqual([avatar!.imageKey, avatar!.thumbnailKey].sort());
    expect(await leftovers(u)).toEqual([]);
    // Nothing went to the local directory.
    expect(readdirSync(app.storageDir, { recursive: true })).toEqual([]);
    expect((await u.caller.avatar.list({ projectId })).items).toHaveLength(1);
  });

  it("deletes the photo from the bucket when the generation fails (refunded)", async () => {
    const u = await app.signUp();
    const { generationId } = await start(u, ["server-error", "server-error", "server-error", "server-error"], ["server-error"]);
    expect(await waitForGeneration(u, generationId, 30_000)).toMatchObject({ status: "failed", refundedCredits: 18 });
    expect(await leftovers(u)).toEqual([]);
    expect(await s3.keys(`avatars/${u.id}/`)).toEqual([]);
  });

  it("deletes the photo and the engine's late result from the bucket when support cancels mid-run", async () => {
    const u = await app.signUp();
    const admin = await app.signUpAdmin();
    const { generationId } = await start(u, ["hold"]);
    await until(async () => fake.requests.some((r) => r.target === "photomaker"), "the engine call");
    expect(await leftovers(u)).toHaveLength(1);
    expect(await admin.caller.admin.cancelGeneration({ generationId, reason: "test" })).toMatchObject({ outcome: "cancelled", refunded: 18 });
    expect(fake.release()).toBe(1); // the engine answers after all: its result must not stay either
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await u.caller.generation.get({ id: generationId })).toMatchObject({ status: "failed", errorCode: "CANCELLED" });
    expect(await leftovers(u)).toEqual([]);
    expect(await s3.keys(`avatars/${u.id}/`)).toEqual([]);
  });
});

describe("avatar images from the bucket", () => {
  let owner: TestUser;
  let other: TestUser;
  let avatarId: string;
  let stored: { full: Buffer; thumb: Buffer };

  beforeAll(async () => {
    owner = await app.signUp();
    other = await app.signUp();
    const { projectId, generationId } = await start(owner, ["image"]);
    await waitForGeneration(owner, generationId, 30_000);
    const [avatar] = (await owner.caller.avatar.list({ projectId })).items;
    avatarId = avatar!.id;
    const [row] = await app.db.select().from(avatars).where(eq(avatars.id, avatarId));
    stored = { full: (await app.storage.get(row!.imageKey))!, thumb: (await app.storage.get(row!.thumbnailKey))! };
  }, 60_000);

  it("streams the bytes to the owner, browser-cacheable only (private)", async () => {
    const deps = { db: app.db, storage: app.storage, delivery: "stream" as const };
    const thumb = await avatarImageResponse(deps, owner.id, avatarId, "thumb");
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect(thumb.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(thumb.headers.get("content-length")).toBe(String(stored.thumb.length));
    expect(Buffer.from(await thumb.arrayBuffer())).toEqual(stored.thumb);
    const full = await avatarImageResponse(deps, owner.id, avatarId, "full");
    expect((await sharp(Buffer.from(await full.arrayBuffer())).metadata()).width).toBe(512);
    expect((await avatarImageResponse(deps, other.id, avatarId, "full")).status).toBe(404);
  });

  it("redirects the owner to a presigned URL valid for minutes that downloads the bytes from the bucket", async () => {
    const deps = { db: app.db, storage: app.storage, delivery: app.env.IMAGE_DELIVERY };
    expect(deps.delivery).toBe("redirect");
    for (const [size, bytes, type] of [["thumb", stored.thumb, "image/webp"], ["full", stored.full, "image/png"]] as const) {
      const res = await avatarImageResponse(deps, owner.id, avatarId, size);
      expect(res.status).toBe(302);
      expect(res.headers.get("cache-control")).toBe("private, max-age=60");
      const location = new URL(res.headers.get("location")!);
      expect(location.origin).toBe(s3.endpoint);
      expect(location.pathname).toMatch(new RegExp(`^/${s3.bucket}/avatars/${owner.id}/${avatarId}/(full\\.png|thumb\\.webp)$`));
      const signedAt = Date.parse(location.searchParams.get("X-Amz-Date")!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
      const expiresAt = signedAt + Number(location.searchParams.get("X-Amz-Expires")) * 1000;
      // Valid for minutes from now: at least 5, at most 10.
      expect(expiresAt - Date.now()).toBeGreaterThan(4.9 * 60_000);
      expect(expiresAt - Date.now()).toBeLessThanOrEqual(10 * 60_000);

      const download = await fetch(location);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toBe(type);
      expect(download.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
      expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    }
    // The same URL for a while, so the browser's cache can hit it.
    const again = async () => (await avatarImageResponse(deps, owner.id, avatarId, "thumb")).headers.get("location");
    expect(await again()).toBe(await again());
  });

  it("keeps the owner check: anyone else gets the same 404 and no URL", async () => {
    const deps = { db: app.db, storage: app.storage, delivery: "redirect" as const };
    for (const who of [other.id, null]) {
      const res = await avatarImageResponse(deps, who, avatarId, "full");
      expect(res.status).toBe(404);
      expect(res.headers.get("location")).toBeNull();
    }
  });

  it("refuses an expired presigned URL (the bucket checks the expiry)", async () => {
    const location = new URL((await avatarImageResponse({ db: app.db, storage: app.storage, delivery: "redirect" }, owner.id, avatarId, "thumb")).headers.get("location")!);
    location.searchParams.set("X-Amz-Date", "20200101T000000Z");
    expect((await fetch(location)).status).toBe(403);
  });

  it("redirects a script's image request too (REST, bearer token)", async () => {
    const { token } = await owner.caller.apiToken.create({ name: "script" });
    const res = await restClient(app)(`/api/avatar-creator/avatars/${avatarId}/image?size=full`, { token });
    expect(res.status).toBe(302);
    expect(Buffer.from(await (await fetch(res.headers.get("location")!)).arrayBuffer())).toEqual(stored.full);
  });
});
