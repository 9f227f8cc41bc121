import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app";
import { codeOf } from "../helpers/trpc";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("project router", () => {
  it("creates, lists, gets, renames and deletes the caller's projects", async () => {
    const { caller } = await app.signUp();
    const created = await caller.project.create({ name: "  Headshots  " });
    expect(created.name).toBe("Headshots");
    const list = await caller.project.list();
    expect(list).toEqual([expect.objectContaining({ id: created.id, name: "Headshots", avatarCount: 0, coverThumbnailKey: null })]);
    expect((await caller.project.get({ id: created.id })).name).toBe("Headshots");
    expect((await caller.project.rename({ id: created.id, name: "LinkedIn" })).name).toBe("LinkedIn");
    await caller.project.delete({ id: created.id });
    expect(await caller.project.list()).toEqual([]);
    expect(await codeOf(caller.project.get({ id: created.id }))).toBe("NOT_FOUND");
  });

  it("answers NOT_FOUND for another user's project on every project procedure, and leaves it untouched", async () => {
    const owner = await app.signUp();
    const other = await app.signUp();
    const p = await owner.caller.project.create({ name: "Mine" });
    expect(await codeOf(other.caller.project.get({ id: p.id }))).toBe("NOT_FOUND");
    expect(await codeOf(other.caller.project.rename({ id: p.id, name: "Stolen" }))).toBe("NOT_FOUND");
    expect(await codeOf(other.caller.project.delete({ id: p.id }))).toBe("NOT_FOUND");
    expect(await other.caller.project.list()).toEqual([]);
    expect((await owner.caller.project.get({ id: p.id })).name).toBe("Mine");
  });

  it("answers NOT_FOUND for an unknown id, the same as for someone else's", async () => {
    const { caller } = await app.signUp();
    expect(await codeOf(caller.project.get({ id: "does-not-exist" }))).toBe("NOT_FOUND");
  });

  it("refuses anonymous calls with UNAUTHORIZED", async () => {
    expect(await codeOf(app.anonymous.project.list())).toBe("UNAUTHORIZED");
    expect(await codeOf(app.anonymous.project.create({ name: "x" }))).toBe("UNAUTHORIZED");
    expect(await codeOf(app.anonymous.credits.balance())).toBe("UNAUTHORIZED");
    expect(await codeOf(app.anonymous.models.list())).toBe("UNAUTHORIZED");
    expect(await codeOf(app.anonymous.admin.setPlan({ email: "a@b.co", plan: "pro" }))).toBe("UNAUTHORIZED");
  });

  it("rejects bad names with BAD_REQUEST", async () => {
    const { caller } = await app.signUp();
    expect(await codeOf(caller.project.create({ name: "" }))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.project.create({ name: "   " }))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.project.create({ name: "x".repeat(10_000) }))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.project.create({ name: 42 as unknown as string }))).toBe("BAD_REQUEST");
    expect(await caller.project.list()).toEqual([]);
  });
});

describe("credits and models", () => {
  it("shows the balance and the tiers a free plan may use", async () => {
    const { caller } = await app.signUp();
    expect(await caller.credits.balance()).toEqual({ balance: 100 });
    const models = await caller.models.list();
    expect(models.plan).toBe("free");
    expect(models.tiers.map((t) => [t.tier, t.creditCost, t.width, t.available])).toEqual([
      ["basic", 18, 512, true],
      ["pro", 25, 1024, false],
      ["enterprise", 35, 1536, false],
    ]);
  });

  it("pages through the history newest first", async () => {
    const u = await app.signUp();
    const admin = await app.signUpAdmin();
    for (let i = 1; i <= 5; i++) await admin.caller.admin.grantCredits({ email: u.email, amount: i, reason: `gift ${i}` });
    const page1 = await u.caller.credits.history({ limit: 4 });
    expect(page1.entries.map((e) => e.amount)).toEqual([5, 4, 3, 2]);
    const page2 = await u.caller.credits.history({ limit: 4, cursor: page1.nextCursor! });
    expect(page2.entries.map((e) => e.amount)).toEqual([1, 100]);
    expect(page2.nextCursor).toBeNull();
  });
});

describe("admin router", () => {
  it("is FORBIDDEN to non-admins", async () => {
    const { caller, email } = await app.signUp();
    expect(await codeOf(caller.admin.setPlan({ email, plan: "enterprise" }))).toBe("FORBIDDEN");
    expect(await codeOf(caller.admin.grantCredits({ email, amount: 1000 }))).toBe("FORBIDDEN");
    expect(await caller.credits.balance()).toEqual({ balance: 100 });
  });

  it("lets an admin move a user to pro, after which models.list marks pro available", async () => {
    const admin = await app.signUpAdmin();
    const u = await app.signUp();
    const updated = await admin.caller.admin.setPlan({ email: u.email, plan: "pro" });
    expect(updated.plan).toBe("pro");
    const tiers = (await u.caller.models.list()).tiers;
    expect(tiers.filter((t) => t.available).map((t) => t.tier)).toEqual(["basic", "pro"]);
  });

  it("records who granted credits", async () => {
    const admin = await app.signUpAdmin();
    const u = await app.signUp();
    const entry = await admin.caller.admin.grantCredits({ email: u.email, amount: 200, reason: "support ticket 42" });
    expect(entry).toMatchObject({ kind: "grant", amount: 200, balanceAfter: 300, description: "support ticket 42", grantedBy: `admin:${admin.id}` });
  });

  it("answers NOT_FOUND for an unknown email", async () => {
    const admin = await app.signUpAdmin();
    expect(await codeOf(admin.caller.admin.setPlan({ email: "nobody@example.com", plan: "pro" }))).toBe("NOT_FOUND");
  });
});

describe("system router", () => {
  it("reports database health and version to anyone", async () => {
    const health = await app.anonymous.system.health();
    expect(health).toMatchObject({
      status: "ok",
      database: "ok",
      engine: { name: "offline", ok: true, model: "offline-preview", label: "Offline preview", alert: null },
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });
});
