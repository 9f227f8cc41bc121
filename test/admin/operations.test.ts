import "../helpers/face-check-off";
import { readdirSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ledgerSum } from "~/server/credits";
import { randomUUID } from "node:crypto";
import { adminAudit, avatars, generations } from "~/server/db/schema";
import { insertAvatarUnlessCancelled } from "~/server/generations/interventions";
import { buildSettings } from "~/server/generations/submit";
import { failGeneration, startGeneration } from "~/server/generations/store";
import { startFakeHuggingFace, type FakeHuggingFace } from "../fakes/huggingface";
import { createTestApp, type TestApp, type TestUser } from "../helpers/app";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { codeOf } from "../helpers/trpc";
import { waitForGeneration } from "../helpers/wait";
import { huggingFaceEngine } from "../helpers/engines";

/**
 * The operations console's actions through the admin router, on the real executor and workflow,
 * with the real Hugging Face engine pointed at the fake server (whose "hold" answer keeps a
 * generation running as long as a test needs): cancel, re-drive, hand refund, credits and plans,
 * and the audit each one leaves.
 */
let fake: FakeHuggingFace;
let app: TestApp;
let admin: TestUser;
let photo: Buffer;

beforeAll(async () => {
  fake = await startFakeHuggingFace();
  app = await createTestApp({ jobs: { engine: huggingFaceEngine(fake), timeScale: 0.01 }, env: { FACE_CHECK: "off" } });
  admin = await app.signUpAdmin();
  photo = await portraitJpeg(4);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

async function submit(user: TestUser, name = "Headshot") {
  const project = await user.caller.project.create({ name: "Ops" });
  const { generationId } = await user.caller.avatar.generateWithPhotoMaker(
    photoForm({ projectId: project.id, name, prompt: "studio portrait", gender: "woman" }, [{ bytes: photo }]),
  );
  return { projectId: project.id, generationId };
}

/** A paid generation whose start event never arrived (as after a crash between charge and event). */
async function lostEvent(user: TestUser) {
  const project = await user.caller.project.create({ name: "Lost" });
  const { generation } = await startGeneration(
    { ...app.jobs, sendEvent: async () => {} },
    {
      userId: user.id,
      projectId: project.id,
      tier: "basic",
      settings: buildSettings({ name: "Lost one", prompt: "studio portrait", gender: "man", seed: 3 }, "basic"),
      photos: [photo],
      warnings: [],
      idempotencyKey: `lost-${user.id}`,
    },
  );
  return { projectId: project.id, generationId: generation.id };
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const filesUnder = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
  } catch {
    return [];
  }
};

describe("cancel", () => {
  it("cancels a running generation: its run is cancelled, the credits come back once, and no avatar appears later", async () => {
    const user = await app.signUp();
    fake.enqueue("hold");
    const { projectId, generationId } = await submit(user);
    await until("the engine call", async () => fake.requests.filter((r) => r.target === "photomaker").length, (n) => n === 1);
    expect((await user.caller.credits.balance()).balance).toBe(82);

    const result = await admin.caller.admin.cancelGeneration({ generationId, reason: "customer asked on ticket 7" });
    expect(result).toEqual({ outcome: "cancelled", refunded: 18, runCancel: "sent", status: "failed" });
    expect((await user.caller.credits.balance()).balance).toBe(100);
    const seen = await user.caller.generation.get({ id: generationId });
    expect(seen).toMatchObject({ status: "failed", errorCode: "CANCELLED", refundedCredits: 18 });
    expect(seen.errorMessage).toBe("Cancelled by support — your 18 credits were returned.");

    const timeline = await admin.caller.admin.generation({ generationId });
    expect(timeline.runs).toMatchObject({ source: "executor", runs: [{ status: "cancelled" }] });

    // The engine answers after all: the step's result is refused, and nothing is saved.
    expect(fake.release()).toBe(1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await user.caller.avatar.list({ projectId })).items).toEqual([]);
    expect(await user.caller.generation.get({ id: generationId })).toMatchObject({ status: "failed", errorCode: "CANCELLED" });
    const history = await user.caller.credits.history({ limit: 20 });
    expect(history.entries.filter((e) => e.kind === "refund")).toHaveLength(1);
    expect(await ledgerSum(app.db, user.id)).toBe(100);
    for (const prefix of ["inputs", "work", "avatars"]) expect(filesUnder(path.join(app.storageDir, prefix, user.id))).toEqual([]);

    const audit = await admin.caller.admin.audit({ generationId });
    expect(audit.entries).toEqual([
      expect.objectContaining({
        action: "generation.cancel",
        actor: `admin:${admin.id}`,
        reason: "customer asked on ticket 7",
        targetUserId: user.id,
        before: expect.objectContaining({ status: "processing" }),
        after: expect.objectContaining({ status: "failed", refunded: 18, balance: 100 }),
      }),
    ]);
    expect(audit.actors[`admin:${admin.id}`]).toBe(admin.email);

    expect(await codeOf(admin.caller.admin.cancelGeneration({ generationId, reason: "again" }))).toBe("BAD_REQUEST");
    expect((await user.caller.credits.balance()).balance).toBe(100);
  });

  it("cancels a queued generation that never started, and an automatic failure afterwards refunds nothing more", async () => {
    const user = await app.signUp();
    const { generationId } = await lostEvent(user);
    await admin.caller.admin.cancelGeneration({ generationId, reason: "stuck in the queue" });
    await failGeneration(app.jobs, generationId, "INTERNAL_ERROR");
    expect((await user.caller.credits.balance()).balance).toBe(100);
    expect((await user.caller.credits.history({ limit: 10 })).entries.map((e) => e.kind)).toEqual(["refund", "charge", "grant"]);
    expect(await codeOf(admin.caller.admin.redriveGeneration({ generationId, reason: "try" }))).toBe("BAD_REQUEST");
  });

  it("adds no avatar to a cancelled generation, and refuses to cancel one whose avatar is saved", async () => {
    const user = await app.signUp();
    const saving = await lostEvent(user);
    const avatar = (id: string, generationId: string, projectId: string) => ({
      id, generationId, userId: user.id, projectId, imageKey: `avatars/${user.id}/${id}/full.png`, thumbnailKey: `avatars/${user.id}/${id}/thumb.webp`,
      width: 512, height: 512, engine: "offline" as const, model: "test",
    });
    expect(await insertAvatarUnlessCancelled(app.db, avatar(randomUUID(), saving.generationId, saving.projectId))).toBe("added");
    expect(await insertAvatarUnlessCancelled(app.db, avatar(randomUUID(), saving.generationId, saving.projectId))).toBe("exists");
    const refused = await admin.caller.admin.cancelGeneration({ generationId: saving.generationId, reason: "late" }).catch((e: Error) => e);
    expect(String(refused)).toMatch(/avatar is already saved/);

    const other = await app.signUp();
    const cancelled = await lostEvent(other);
    await admin.caller.admin.cancelGeneration({ generationId: cancelled.generationId, reason: "stop it" });
    expect(await insertAvatarUnlessCancelled(app.db, { ...avatar(randomUUID(), cancelled.generationId, cancelled.projectId), userId: other.id })).toBe("cancelled");
    expect(await app.db.select().from(avatars).where(eq(avatars.generationId, cancelled.generationId))).toEqual([]);
  });

  it("asks for a reason, and refuses what it can't cancel", async () => {
    const user = await app.signUp();
    const { generationId } = await submit(user);
    expect(await codeOf(admin.caller.admin.cancelGeneration({ generationId, reason: " " }))).toBe("BAD_REQUEST");
    await waitForGeneration(user, generationId);
    expect(await codeOf(admin.caller.admin.cancelGeneration({ generationId, reason: "too late" }))).toBe("BAD_REQUEST");
    expect(await codeOf(admin.caller.admin.cancelGeneration({ generationId: "no-such-id", reason: "nothing" }))).toBe("NOT_FOUND");
  });
});

describe("re-drive", () => {
  it("starts the run of a generation whose start event was lost, once, with the same event id", async () => {
    const user = await app.signUp();
    const { projectId, generationId } = await lostEvent(user);
    const before = await admin.caller.admin.generation({ generationId });
    expect(before.runs).toEqual({ source: "executor", runs: [] });
    expect(before.eventId).toBe(`generation-requested:${generationId}`);

    const sent = await admin.caller.admin.redriveGeneration({ generationId, reason: "event lost in a deploy" });
    expect(sent.eventId).toBe(before.eventId);
    expect((await waitForGeneration(user, generationId)).status).toBe("succeeded");
    expect((await user.caller.avatar.list({ projectId })).items).toHaveLength(1);

    // Sending it again (by hand, or the resend sweep) starts nothing: the executor knows the id.
    await app.jobs.sendEvent((await app.db.select().from(generations).where(eq(generations.id, generationId)))[0]!);
    await new Promise((r) => setTimeout(r, 300));
    const after = await admin.caller.admin.generation({ generationId });
    expect(after.runs).toMatchObject({ source: "executor", runs: [{ status: "completed" }] });
    expect(after.runs.source === "executor" && after.runs.runs).toHaveLength(1);
    expect(after.attempts).toEqual([expect.objectContaining({ engine: "photomaker", attempt: 1, errorCode: null, httpStatus: null })]);
    expect(after.ledger.map((e) => e.kind)).toEqual(["charge"]);
    expect(after.audit.map((a) => a.action)).toEqual(["generation.redrive"]);
    expect((await user.caller.credits.balance()).balance).toBe(82);
    expect(await codeOf(admin.caller.admin.redriveGeneration({ generationId, reason: "again" }))).toBe("BAD_REQUEST");
  });

  it("refuses a generation whose run is live: nothing is lost", async () => {
    const user = await app.signUp();
    fake.enqueue("hold");
    const { generationId } = await submit(user);
    await until("the engine call", async () => fake.requests.length, (n) => n >= 1);
    const error = await admin.caller.admin.redriveGeneration({ generationId, reason: "impatient" }).catch((e: Error) => e);
    expect(String(error)).toMatch(/is running: nothing is lost/);
    fake.release();
    expect((await waitForGeneration(user, generationId)).status).toBe("succeeded");
  });
});

describe("the timeline and filters", () => {
  it("shows every attempt with its engine, HTTP status, error code and delay, and the run's steps", async () => {
    const user = await app.signUp();
    fake.enqueue({ kind: "loading", estimatedTime: 5 }, "server-error");
    const { generationId } = await submit(user);
    expect((await waitForGeneration(user, generationId)).status).toBe("succeeded");
    // The run completes just after its last step marked the generation succeeded.
    const t = await until("the run", () => admin.caller.admin.generation({ generationId }), (x) => x.runs.source === "executor" && x.runs.runs[0]?.status === "completed");
    expect(t.attempts.map((a) => [a.engine, a.attempt, a.httpStatus, a.errorCode, a.retryDelayMs])).toEqual([
      ["photomaker", 1, 503, "MODEL_LOADING", 5_000],
      ["photomaker", 2, 500, "SERVER_ERROR", 4_000],
      ["photomaker", 3, null, null, null],
    ]);
    expect(t.generation).toMatchObject({ email: user.email, status: "succeeded", engine: "photomaker" });
    const run = t.runs.source === "executor" ? t.runs.runs[0]! : null;
    expect(run?.status).toBe("completed");
    expect(run?.steps.map((s) => s.name)).toEqual(
      expect.arrayContaining(["load-input-photos", "photomaker-attempt-1", "wait-before-attempt-2", "photomaker-attempt-3", "save-avatar", "finish"]),
    );
  });

  it("filters by status, engine, tier, user and age, and lists failed-and-not-refunded (empty unless something went wrong)", async () => {
    const user = await app.signUp();
    const { generationId } = await submit(user, "Filtered");
    await waitForGeneration(user, generationId);
    const mine = await admin.caller.admin.generations({ user: user.email });
    expect(mine.map((g) => [g.id, g.status, g.email, g.name])).toEqual([[generationId, "succeeded", user.email, "Filtered"]]);
    expect(await admin.caller.admin.generations({ user: user.id, status: "failed" })).toEqual([]);
    expect(await admin.caller.admin.generations({ user: user.id, engine: "photomaker", tier: "basic" })).toHaveLength(1);
    expect(await admin.caller.admin.generations({ user: user.id, olderThanMinutes: 10 })).toEqual([]);
    expect(await admin.caller.admin.generations({ user: user.id, olderThanMinutes: 0 })).toHaveLength(1);
    expect(await admin.caller.admin.generations({ failedNotRefunded: true })).toEqual([]);
  });
});

describe("hand refund", () => {
  it("refunds a failed generation the automatic refund missed, once, and then the automatic refund adds nothing", async () => {
    const user = await app.signUp();
    const { generationId } = await submit(user);
    await waitForGeneration(user, generationId);
    // What a bug would leave: failed, charged, no refund.
    await app.db.update(generations).set({ status: "failed", stage: "failed", errorCode: "INTERNAL_ERROR" }).where(eq(generations.id, generationId));
    expect((await admin.caller.admin.generations({ failedNotRefunded: true })).map((g) => g.id)).toEqual([generationId]);

    const done = await admin.caller.admin.refundGeneration({ generationId, reason: "refund missed by a bug" });
    expect(done).toMatchObject({ refunded: 18, balance: 100 });
    expect(await admin.caller.admin.generations({ failedNotRefunded: true })).toEqual([]);
    expect(await codeOf(admin.caller.admin.refundGeneration({ generationId, reason: "twice?" }))).toBe("BAD_REQUEST");
    await failGeneration(app.jobs, generationId, "INTERNAL_ERROR");
    expect((await user.caller.credits.balance()).balance).toBe(100);
    expect((await user.caller.credits.history({ limit: 10 })).entries.filter((e) => e.kind === "refund")).toHaveLength(1);
  });

  it("refuses a generation the automatic refund already covered, and one that did not fail", async () => {
    const user = await app.signUp();
    fake.enqueue("no-face");
    const { generationId } = await submit(user);
    expect((await waitForGeneration(user, generationId)).status).toBe("failed");
    const error = await admin.caller.admin.refundGeneration({ generationId, reason: "double dip" }).catch((e: Error) => e);
    expect(String(error)).toMatch(/Already refunded/);
    const ok = await submit(user);
    await waitForGeneration(user, ok.generationId);
    expect(await codeOf(admin.caller.admin.refundGeneration({ generationId: ok.generationId, reason: "why not" }))).toBe("BAD_REQUEST");
    expect((await user.caller.credits.balance()).balance).toBe(82);
  });
});

describe("users, credits and plans", () => {
  it("finds a user by part of the email or the id, with plan, balance, generations by status and tokens", async () => {
    const user = await app.signUp(`findme-${Date.now()}@example.com`);
    await user.caller.apiToken.create({ name: "ci" });
    const { generationId } = await submit(user);
    await waitForGeneration(user, generationId);
    const [found] = await admin.caller.admin.users({ query: "FINDME-" });
    expect(found).toMatchObject({
      id: user.id,
      email: user.email,
      plan: "free",
      balance: 82,
      generations: { queued: 0, processing: 0, succeeded: 1, failed: 0 },
      tokens: { count: 1, lastUsedAt: null },
    });
    expect((await admin.caller.admin.users({ query: user.id })).map((u) => u.id)).toEqual([user.id]);
    expect(await admin.caller.admin.users({ query: "%" })).toEqual([]);
  });

  it("grants and takes credits with a reason: the ledger names the admin and the audit has before and after", async () => {
    const user = await app.signUp();
    const grant = await admin.caller.admin.grantCredits({ email: user.email, amount: 50, reason: "sorry for the outage" });
    expect(grant).toMatchObject({ kind: "grant", amount: 50, balanceAfter: 150, description: "sorry for the outage", grantedBy: `admin:${admin.id}` });
    const take = await admin.caller.admin.takeCredits({ email: user.email, amount: 30, reason: "granted twice by mistake" });
    expect(take).toMatchObject({ kind: "debit", amount: -30, balanceAfter: 120, grantedBy: `admin:${admin.id}` });
    expect(await codeOf(admin.caller.admin.takeCredits({ email: user.email, amount: 121, reason: "too much" }))).toBe("BAD_REQUEST");
    expect(await codeOf(admin.caller.admin.takeCredits({ email: user.email, amount: 5, reason: "" }))).toBe("BAD_REQUEST");
    await admin.caller.admin.setPlan({ email: user.email, plan: "pro", reason: "bought the pro plan by invoice" });

    expect((await user.caller.credits.balance()).balance).toBe(120);
    expect(await ledgerSum(app.db, user.id)).toBe(120);
    const detail = await admin.caller.admin.user({ userId: user.id });
    expect(detail.user).toMatchObject({ plan: "pro", balance: 120 });
    expect(detail.ledger.map((e) => [e.kind, e.amount])).toEqual([["debit", -30], ["grant", 50], ["grant", 100]]);
    expect(detail.audit.map((a) => [a.action, a.reason, a.before, a.after])).toEqual([
      ["plan.set", "bought the pro plan by invoice", { plan: "free" }, { plan: "pro" }],
      ["credits.take", "granted twice by mistake", { balance: 150 }, { balance: 120, ledgerEntryId: take.id }],
      ["credits.grant", "sorry for the outage", { balance: 100 }, { balance: 150, ledgerEntryId: grant.id }],
    ]);
    expect((await admin.caller.admin.audit({ action: "credits.take", userId: user.id })).entries).toHaveLength(1);
    expect((await admin.caller.admin.audit({ actor: admin.email, userId: user.id })).entries).toHaveLength(3);
    expect((await admin.caller.admin.audit({ actor: "cli:nobody", userId: user.id })).entries).toHaveLength(0);
  });

  it("keeps the audit append-only: the database refuses to change or delete an entry", async () => {
    const user = await app.signUp();
    await admin.caller.admin.grantCredits({ email: user.email, amount: 1, reason: "a test grant" });
    const refusal = (p: Promise<unknown>) => p.then(() => "allowed", (e: Error) => String(e.cause ?? e));
    expect(await refusal(app.db.update(adminAudit).set({ reason: "rewritten" }).where(eq(adminAudit.targetUserId, user.id)))).toMatch(/append-only: UPDATE/);
    expect(await refusal(app.db.delete(adminAudit).where(eq(adminAudit.targetUserId, user.id)))).toMatch(/append-only: DELETE/);
    const [row] = await app.db.select({ n: sql<number>`count(*)::int` }).from(adminAudit).where(eq(adminAudit.targetUserId, user.id));
    expect(row!.n).toBe(1);
  });
});
