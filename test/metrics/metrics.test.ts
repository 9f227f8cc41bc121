import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { avatars, generations, type GenerationAttempt, type PhotoFaceRecord } from "~/server/db/schema";
import { countFaceCheck } from "~/server/faces/metrics";
import { faceCheckMetrics, generationMetrics, sinceDays } from "~/server/metrics";
import { TIER_MODELS, type Tier } from "~/server/tiers";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";

/** The metrics aggregates over real generation rows in PGlite, written as the workflow leaves them. */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const attempt = (engine: GenerationAttempt["engine"], errorCode: string | null, n = 1): GenerationAttempt => ({
  engine,
  attempt: n,
  startedAt: new Date().toISOString(),
  durationMs: 100,
  errorCode,
  retryDelayMs: null,
});

interface Row {
  tier?: Tier;
  status: "queued" | "processing" | "succeeded" | "failed";
  photos?: number;
  attempts?: GenerationAttempt[];
  tookMs?: number;
  refunded?: number;
  createdAt?: Date;
  /** Face-check warnings per photo (one face record per inner array). */
  faceWarnings?: string[][];
  /** The avatar a succeeded generation left, with its likeness. */
  avatar?: { engine: "photomaker" | "flux" | "offline"; likeness: number | null; status?: "measured" | "no_face" | "unmeasured"; identityPreserving?: boolean };
}

const box = { x: 0.25, y: 0.2, width: 0.5, height: 0.4 };
const faceRecord = (photo: number, warnings: string[]): PhotoFaceRecord => ({
  photo,
  field: `photo${photo - 1}`,
  width: 768,
  height: 1024,
  box,
  score: 0.9,
  others: [],
  crop: box,
  similarity: null,
  warnings,
});

async function addGeneration(user: TestUser & { projectId: string }, row: Row) {
  const tier = row.tier ?? "basic";
  const createdAt = row.createdAt ?? new Date(Date.now() - 60_000);
  const finished = row.status === "succeeded" || row.status === "failed";
  const id = randomUUID();
  await app.db.insert(generations).values({
    id,
    userId: user.id,
    projectId: user.projectId,
    modelKey: TIER_MODELS[tier].key,
    tier,
    status: row.status,
    stage: row.status === "processing" ? "generating" : row.status,
    creditCost: TIER_MODELS[tier].creditCost,
    idempotencyKey: randomUUID(),
    settings: {},
    photoCount: row.photos ?? 1,
    attempts: row.attempts ?? [],
    refundedCredits: row.refunded ?? null,
    createdAt,
    completedAt: finished ? new Date(createdAt.getTime() + (row.tookMs ?? 1000)) : null,
    faces: (row.faceWarnings ?? []).map((w, i) => faceRecord(i + 1, w)),
  });
  if (row.avatar) {
    const status = row.avatar.status ?? (row.avatar.likeness === null ? "no_face" : "measured");
    await app.db.insert(avatars).values({
      id: randomUUID(),
      generationId: id,
      userId: user.id,
      projectId: user.projectId,
      imageKey: `avatars/${id}/full.jpg`,
      thumbnailKey: `avatars/${id}/thumb.webp`,
      width: 512,
      height: 512,
      engine: row.avatar.engine,
      model: "test",
      offlinePreview: row.avatar.engine === "offline",
      identityPreserving: row.avatar.identityPreserving ?? row.avatar.engine !== "flux",
      likeness: row.avatar.likeness,
      likenessStatus: status,
    });
  }
}

async function userWithProject() {
  const user = await app.signUp();
  const project = await user.caller.project.create({ name: "Metrics" });
  return { ...user, projectId: project.id };
}

describe("generationMetrics", () => {
  it("is empty, with null rates, for a user with no generations", async () => {
    const u = await userWithProject();
    const m = await generationMetrics(app.db, { userId: u.id });
    expect(m).toMatchObject({ total: 0, finished: 0, successRate: null, inFlight: 0 });
    expect(m.refunds.rate).toBeNull();
    expect(m.photoCounts).toEqual([1, 2, 3, 4].map((photos) => ({ photos, generations: 0 })));
    expect(m.averageMsByTier.map((t) => t.averageMs)).toEqual([null, null, null]);
  });

  it("counts success, refunds, time by tier, photo counts, loading, rate limits and FLUX for one user", async () => {
    const u = await userWithProject();
    const other = await userWithProject();
    await addGeneration(u, { status: "succeeded", tier: "basic", photos: 1, tookMs: 2000, attempts: [attempt("photomaker", null)] });
    await addGeneration(u, {
      status: "succeeded",
      tier: "basic",
      photos: 3,
      tookMs: 4000,
      attempts: [attempt("photomaker", "MODEL_LOADING"), attempt("photomaker", "MODEL_LOADING", 2), attempt("photomaker", null, 3)],
    });
    await addGeneration(u, {
      status: "succeeded",
      tier: "pro",
      photos: 3,
      tookMs: 9000,
      attempts: [attempt("photomaker", "RATE_LIMIT_EXCEEDED"), attempt("photomaker", "SERVER_ERROR", 2), attempt("flux", null)],
    });
    await addGeneration(u, { status: "failed", tier: "enterprise", photos: 4, refunded: 35, attempts: [attempt("photomaker", "NO_FACE_DETECTED")] });
    // In flight: counted in total and photos, never as a failure or in a rate.
    await addGeneration(u, { status: "processing", photos: 2, attempts: [attempt("photomaker", "MODEL_LOADING")] });
    // Someone else's: not in this user's numbers.
    await addGeneration(other, { status: "failed", refunded: 18, attempts: [attempt("photomaker", "RATE_LIMIT_EXCEEDED")] });

    const m = await generationMetrics(app.db, { userId: u.id });
    expect(m).toMatchObject({ total: 5, finished: 4, succeeded: 3, failed: 1, inFlight: 1, users: 1, successRate: 0.75 });
    expect(m.refunds).toEqual({ generations: 1, credits: 35, rate: 0.25 });
    expect(m.creditsCharged).toBe(18 + 18 + 25 + 35 + 18);
    expect(m.averageMsByTier).toEqual([
      { tier: "basic", succeeded: 2, averageMs: 3000 },
      { tier: "pro", succeeded: 1, averageMs: 9000 },
      { tier: "enterprise", succeeded: 0, averageMs: null },
    ]);
    expect(m.photoCounts).toEqual([
      { photos: 1, generations: 1 },
      { photos: 2, generations: 1 },
      { photos: 3, generations: 2 },
      { photos: 4, generations: 1 },
    ]);
    expect(m.modelLoading).toEqual({ generations: 1, attempts: 2, rate: 0.25 });
    expect(m.rateLimited).toEqual({ generations: 1, attempts: 1, rate: 0.25 });
    expect(m.fluxStoodIn).toEqual({ generations: 1, rate: 0.25 });
  });

  it("a failed FLUX attempt is not a stand-in, and a time window leaves older work out", async () => {
    const u = await userWithProject();
    await addGeneration(u, { status: "failed", refunded: 18, attempts: [attempt("photomaker", "SERVER_ERROR"), attempt("flux", "SERVER_ERROR")] });
    await addGeneration(u, { status: "succeeded", createdAt: new Date(Date.now() - 10 * 86_400_000) });
    const all = await generationMetrics(app.db, { userId: u.id });
    expect(all).toMatchObject({ total: 2, successRate: 0.5, fluxStoodIn: { generations: 0, rate: 0 } });
    const week = await generationMetrics(app.db, { userId: u.id, since: sinceDays(7) });
    expect(week).toMatchObject({ total: 1, succeeded: 0, failed: 1, successRate: 0 });
  });
});

describe("metrics router", () => {
  it("mine is the caller's own; all is for administrators and spans every user", async () => {
    const u = await userWithProject();
    await addGeneration(u, { status: "succeeded" });
    expect(await u.caller.metrics.mine({})).toMatchObject({ total: 1, users: 1 });
    await expect(u.caller.metrics.all({})).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    await expect(app.anonymous.metrics.mine({})).rejects.toSatisfy((e) => e instanceof TRPCError && e.code === "UNAUTHORIZED");

    const admin = await app.signUpAdmin();
    const { faces, ...everyone } = await admin.caller.metrics.all({});
    const direct = await generationMetrics(app.db);
    expect(everyone).toEqual(direct);
    expect(faces).toEqual(await faceCheckMetrics(app.db));
    expect(everyone.users).toBeGreaterThan(1);
    expect(await admin.caller.metrics.mine({})).toMatchObject({ total: 0 });
  });
});

describe("face-check metrics", () => {
  const zeroWarnings = ["small_face", "cut_off", "other_people", "maybe_different_person"].map((reason) => ({ reason, photos: 0 }));

  it("a user with nothing yet: every warning reason at zero, no likeness rows, and no refusal numbers of their own", async () => {
    const u = await userWithProject();
    const m = await faceCheckMetrics(app.db, { userId: u.id });
    expect(m).toEqual({ refusedByReason: null, refusalsSince: null, warningsByReason: zeroWarnings, likenessByEngineAndTier: [] });
  });

  it("counts warnings per photo by reason and averages measured likeness by engine and tier, for one user", async () => {
    const u = await userWithProject();
    const other = await userWithProject();
    await addGeneration(u, { status: "succeeded", photos: 2, faceWarnings: [["small_face"], ["small_face", "cut_off"]], avatar: { engine: "offline", likeness: 80 } });
    await addGeneration(u, { status: "succeeded", photos: 1, faceWarnings: [[]], avatar: { engine: "offline", likeness: 91 } });
    await addGeneration(u, { status: "succeeded", photos: 3, faceWarnings: [[], ["maybe_different_person"], []], avatar: { engine: "offline", likeness: 70 } });
    await addGeneration(u, { status: "succeeded", tier: "pro", faceWarnings: [["other_people"]], avatar: { engine: "photomaker", likeness: 77 } });
    await addGeneration(u, { status: "succeeded", tier: "pro", avatar: { engine: "flux", likeness: 41 } });
    // No face in the result, and not measured at all: neither is averaged in.
    await addGeneration(u, { status: "succeeded", tier: "pro", avatar: { engine: "photomaker", likeness: null, status: "no_face" } });
    await addGeneration(u, { status: "succeeded", tier: "pro", avatar: { engine: "photomaker", likeness: null, status: "unmeasured" } });
    // A failed run's warnings still count: the photos were used.
    await addGeneration(u, { status: "failed", refunded: 18, faceWarnings: [["small_face"]] });
    // Someone else's: not in this user's numbers.
    await addGeneration(other, { status: "succeeded", faceWarnings: [["small_face"]], avatar: { engine: "offline", likeness: 10 } });

    const m = await faceCheckMetrics(app.db, { userId: u.id });
    expect(m.refusedByReason).toBeNull();
    expect(m.warningsByReason).toEqual([
      { reason: "small_face", photos: 3 },
      { reason: "cut_off", photos: 1 },
      { reason: "other_people", photos: 1 },
      { reason: "maybe_different_person", photos: 1 },
    ]);
    expect(m.likenessByEngineAndTier).toEqual([
      { engine: "photomaker", tier: "pro", identityPreserving: true, avatars: 1, averageLikeness: 77 },
      { engine: "flux", tier: "pro", identityPreserving: false, avatars: 1, averageLikeness: 41 },
      { engine: "offline", tier: "basic", identityPreserving: true, avatars: 3, averageLikeness: 80.3 },
    ]);

    const theirs = await faceCheckMetrics(app.db, { userId: other.id });
    expect(theirs.warningsByReason).toEqual(zeroWarnings.map((w) => (w.reason === "small_face" ? { ...w, photos: 1 } : w)));
    expect(theirs.likenessByEngineAndTier).toEqual([{ engine: "offline", tier: "basic", identityPreserving: true, avatars: 1, averageLikeness: 10 }]);
  });

  it("refusals are counted for everyone by reason, since the process started, and only admins see them", async () => {
    const u = await userWithProject();
    const admin = await app.signUpAdmin();
    const before = (await admin.caller.metrics.all({})).faces;
    expect(before.refusedByReason!.map((r) => r.reason)).toEqual(["no_face", "several_people", "different_person"]);
    expect(before.refusalsSince!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(before.refusalsSince!.getTime()).toBeGreaterThan(Date.now() - process.uptime() * 1000 - 5_000);

    countFaceCheck("refused", "no_face");
    countFaceCheck("refused", "no_face");
    countFaceCheck("refused", "different_person");
    const after = (await admin.caller.metrics.all({ days: 7 })).faces;
    const count = (m: typeof after, reason: string) => m.refusedByReason!.find((r) => r.reason === reason)!.photos;
    expect(count(after, "no_face") - count(before, "no_face")).toBe(2);
    expect(count(after, "different_person") - count(before, "different_person")).toBe(1);
    expect(count(after, "several_people")).toBe(count(before, "several_people"));

    // A user's own metrics carry their face numbers, but refusals belong to no one.
    await addGeneration(u, { status: "succeeded", faceWarnings: [["cut_off"]], avatar: { engine: "offline", likeness: 88 } });
    const mine = await u.caller.metrics.mine({});
    expect(mine.faces.refusedByReason).toBeNull();
    expect(mine.faces.warningsByReason).toContainEqual({ reason: "cut_off", photos: 1 });
    expect(mine.faces.likenessByEngineAndTier).toEqual([{ engine: "offline", tier: "basic", identityPreserving: true, avatars: 1, averageLikeness: 88 }]);
  });
});
