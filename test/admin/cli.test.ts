import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "~/server/auth";
import { getBalance } from "~/server/credits";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "~/server/db/client";
import { adminAudit, creditLedger, user } from "~/server/db/schema";
import { parseEnv } from "~/server/env";
import { scratchDatabase } from "../helpers/db";

/**
 * `npm run admin` as an operator runs it, in a child process on a database of its own (a PGlite
 * directory, or a scratch database on DATABASE_URL's server): every command asks for a reason and
 * is recorded in the audit as cli:<os user>.
 */
const EMAIL = "cli-target@example.com";
let dir: string;
let databaseEnv: Record<string, string>;
let drop: (() => Promise<void>) | undefined;

async function open(): Promise<DatabaseHandle> {
  return openDatabase(process.env.DATABASE_URL ? { databaseUrl: databaseEnv.DATABASE_URL } : { pgliteDir: databaseEnv.PGLITE_DIR });
}

function cli(...args: string[]) {
  const run = spawnSync("npx", ["tsx", "scripts/admin.ts", ...args], {
    env: { ...process.env, ...databaseEnv, LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "admin-cli-"));
  if (process.env.DATABASE_URL) {
    const scratch = await scratchDatabase(process.env.DATABASE_URL, "cli");
    databaseEnv = { DATABASE_URL: scratch.url };
    drop = scratch.drop;
  } else {
    databaseEnv = { PGLITE_DIR: path.join(dir, "pglite"), DATA_DIR: dir };
  }
  const handle = await open();
  await migrateDatabase(handle);
  const auth = createAuth(handle.db, parseEnv({ NODE_ENV: "test", BETTER_AUTH_SECRET: "test-secret-test-secret-test-secret-0123" }));
  await auth.api.signUpEmail({ body: { email: EMAIL, password: "correct horse battery", name: "Target" } });
  await handle.close();
}, 60_000);
afterAll(async () => {
  await drop?.();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run admin", () => {
  it("grants, takes and changes the plan with a reason, each audited as cli:<os user>", { timeout: 120_000 }, async () => {
    expect(cli("grant", EMAIL, "25", "support", "ticket", "9")).toMatchObject({ status: 0, out: expect.stringContaining("balance is now 125") });
    expect(cli("take", EMAIL, "5", "granted", "too", "much")).toMatchObject({ status: 0, out: expect.stringContaining("balance is now 120") });
    expect(cli("plan", EMAIL, "pro", "invoice 88")).toMatchObject({ status: 0, out: expect.stringContaining("now on the pro plan") });

    const refused = cli("grant", EMAIL, "25");
    expect(refused.status).toBe(2);
    expect(refused.err).toContain("Please say why");
    expect(cli("take", EMAIL, "500", "more than there is").err).toContain("Can't take 500 credits: the balance is 120.");
    expect(cli("grant", "nobody@example.com", "1", "no such user").err).toContain("No account with the email nobody@example.com.");

    const handle = await open();
    try {
      const [target] = await handle.db.select().from(user).where(eq(user.email, EMAIL));
      expect(target!.plan).toBe("pro");
      expect(await getBalance(handle.db, target!.id)).toBe(120);
      const actor = `cli:${userInfo().username}`;
      const audit = await handle.db.select().from(adminAudit).orderBy(adminAudit.id);
      expect(audit.map((a) => [a.actor, a.action, a.reason, a.before, a.after])).toEqual([
        [actor, "credits.grant", "support ticket 9", { balance: 100 }, expect.objectContaining({ balance: 125 })],
        [actor, "credits.take", "granted too much", { balance: 125 }, expect.objectContaining({ balance: 120 })],
        [actor, "plan.set", "invoice 88", { plan: "free" }, { plan: "pro" }],
      ]);
      const ledger = await handle.db.select().from(creditLedger).where(eq(creditLedger.userId, target!.id)).orderBy(creditLedger.id);
      expect(ledger.map((e) => [e.kind, e.amount, e.grantedBy])).toEqual([
        ["grant", 100, "system:welcome"],
        ["grant", 25, actor],
        ["debit", -5, actor],
      ]);
    } finally {
      await handle.close();
    }
  });
});
