import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chargeCredits,
  getBalance,
  grantCredits,
  InsufficientCreditsError,
  ledgerSum,
  refundCharge,
} from "~/server/credits";
import { createTestApp, type TestApp } from "../helpers/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ WELCOME_CREDITS: "100" });
});
afterAll(() => app.close());

const charge = (userId: string, amount: number, key: string) =>
  app.handle.db.transaction((tx) => chargeCredits(tx, { userId, amount, description: "test charge", idempotencyKey: key }));

describe("credit ledger", () => {
  it("gives a new account the welcome grant, recorded in the ledger", async () => {
    const u = await app.signUp();
    expect(await getBalance(app.handle.db, u.id)).toBe(100);
    const history = await u.caller.credits.history();
    expect(history.entries).toHaveLength(1);
    expect(history.entries[0]).toMatchObject({ kind: "grant", amount: 100, balanceAfter: 100, grantedBy: "system:welcome" });
  });

  it("charges, refuses an overdraft without touching the balance, and keeps the ledger equal to the balance", async () => {
    const u = await app.signUp();
    const first = await charge(u.id, 60, "a");
    expect(first.replayed).toBe(false);
    expect(first.entry).toMatchObject({ kind: "charge", amount: -60, balanceAfter: 40 });
    await expect(charge(u.id, 41, "b")).rejects.toBeInstanceOf(InsufficientCreditsError);
    await expect(charge(u.id, 41, "b")).rejects.toThrow("this costs 41 credits and your balance is 40");
    expect(await getBalance(app.handle.db, u.id)).toBe(40);
    expect(await ledgerSum(app.handle.db, u.id)).toBe(40);
  });

  it("treats the same idempotency key twice as one charge", async () => {
    const u = await app.signUp();
    const a = await charge(u.id, 25, "same-key");
    const b = await charge(u.id, 25, "same-key");
    expect(b.replayed).toBe(true);
    expect(b.entry.id).toBe(a.entry.id);
    expect(await getBalance(app.handle.db, u.id)).toBe(75);
  });

  it("refunds a charge exactly once, even when asked twice at the same time", async () => {
    const u = await app.signUp();
    const { entry } = await charge(u.id, 35, "to-refund");
    const results = await Promise.all([
      refundCharge(app.handle.db, { chargeId: entry.id, reason: "generation failed" }),
      refundCharge(app.handle.db, { chargeId: entry.id, reason: "generation failed" }),
    ]);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(results[0]!.entry.id).toBe(results[1]!.entry.id);
    expect(await getBalance(app.handle.db, u.id)).toBe(100);
    expect(await ledgerSum(app.handle.db, u.id)).toBe(100);
  });

  it("lets the database refuse a second refund row even if code skipped the check", async () => {
    const u = await app.signUp();
    const { entry } = await charge(u.id, 18, "db-backstop");
    await refundCharge(app.handle.db, { chargeId: entry.id, reason: "first" });
    const { creditLedger } = await import("~/server/db/schema");
    await expect(
      app.handle.db.insert(creditLedger).values({
        userId: u.id,
        kind: "refund",
        amount: 18,
        balanceAfter: 118,
        description: "sneaky second refund",
        refundOf: entry.id,
      }),
    ).rejects.toThrow();
  });

  it("refuses to refund something that is not a charge", async () => {
    const u = await app.signUp();
    const grant = await grantCredits(app.handle.db, { userId: u.id, amount: 5, description: "x", grantedBy: "test" });
    await expect(refundCharge(app.handle.db, { chargeId: grant.id, reason: "no" })).rejects.toThrow("is not a charge");
  });

  it("never lets concurrent charges overdraw: 200 charges of 25 against 125 → exactly 5", async () => {
    const u = await app.signUp();
    await charge(u.id, 100, "drain"); // welcome 100 → 0
    await grantCredits(app.handle.db, { userId: u.id, amount: 125, description: "top up", grantedBy: "test" });
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => charge(u.id, 25, `c${i}`)));
    const ok = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(ok).toHaveLength(5);
    expect(refused.every((r) => (r as PromiseRejectedResult).reason instanceof InsufficientCreditsError)).toBe(true);
    expect(await getBalance(app.handle.db, u.id)).toBe(0);
    expect(await ledgerSum(app.handle.db, u.id)).toBe(0);
  });

  it("rejects non-positive or fractional amounts", async () => {
    const u = await app.signUp();
    await expect(charge(u.id, 0, "zero")).rejects.toThrow(RangeError);
    await expect(charge(u.id, 2.5, "frac")).rejects.toThrow(RangeError);
    await expect(grantCredits(app.handle.db, { userId: u.id, amount: -1, description: "x", grantedBy: "t" })).rejects.toThrow(RangeError);
  });
});
