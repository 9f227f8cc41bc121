import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargeCredits, getBalance, grantCredits, InsufficientCreditsError, ledgerSum } from "~/server/credits";
import { createTestApp, type TestApp } from "../helpers/app";

/** Runs only in the real-PostgreSQL pass (vitest.pg.config.ts), where concurrency is real. */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ WELCOME_CREDITS: "0" });
});
afterAll(() => app.close());

describe("credits on real PostgreSQL", () => {
  it("is really talking to a PostgreSQL server with several connections", async () => {
    expect(app.handle.kind).toBe("postgres");
    const rows = await app.db.execute(sql`select version() as version`);
    expect(JSON.stringify(rows)).toContain("PostgreSQL");
  });

  it("200 concurrent charges of 25 against a balance of 125: exactly 5 succeed, balance 0, ledger = balance", async () => {
    const u = await app.signUp();
    await grantCredits(app.db, { userId: u.id, amount: 125, description: "budget", grantedBy: "test" });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        app.db.transaction((tx) =>
          chargeCredits(tx, { userId: u.id, amount: 25, description: "concurrent", idempotencyKey: `k${i}` }),
        ),
      ),
    );
    const succeeded = outcomes.filter((o) => o.status === "fulfilled").length;
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(succeeded).toBe(5);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientCreditsError);
    expect(await getBalance(app.db, u.id)).toBe(0);
    expect(await ledgerSum(app.db, u.id)).toBe(0);
  });

  it("the same idempotency key from 50 concurrent requests is one charge", async () => {
    const u = await app.signUp();
    await grantCredits(app.db, { userId: u.id, amount: 100, description: "budget", grantedBy: "test" });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.db.transaction((tx) => chargeCredits(tx, { userId: u.id, amount: 25, description: "dup", idempotencyKey: "same" })),
      ),
    );
    expect(new Set(results.map((r) => r.entry.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await getBalance(app.db, u.id)).toBe(75);
  });

  it("the CHECK constraint refuses a negative balance even for a raw UPDATE", async () => {
    const u = await app.signUp();
    await grantCredits(app.db, { userId: u.id, amount: 10, description: "budget", grantedBy: "test" });
    await expect(app.db.execute(sql`update credit_balances set balance = -1 where user_id = ${u.id}`)).rejects.toThrow();
    expect(await getBalance(app.db, u.id)).toBe(10);
  });
});
