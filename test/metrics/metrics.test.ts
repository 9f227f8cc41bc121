import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generations, type GenerationAttempt } from "~/server/db/schema";
import { generationMetrics, sinceDays } from "~/server/metrics";
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
}

async function addGeneration(user: TestUser & { projectId: string }, row: Row) {
  const tier = row.tier ?? "basic";
  const createdAt = row.createdAt ?? new Date(Date.now() - 60_000);
  const finished = row.status === "succeeded" || row.status === "failed";
  await app.db.insert(generations).values({
    id: randomUUID(),
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
  });
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
    const everyone = await admin.caller.metrics.all({});
    const direct = await generationMetrics(app.db);
    expect(everyone).toEqual(direct);
    expect(everyone.users).toBeGreaterThan(1);
    expect(await admin.caller.metrics.mine({})).toMatchObject({ total: 0 });
  });
});
