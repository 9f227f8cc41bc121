import { eq } from "drizzle-orm";
import { recordAudit, type Actor } from "./admin/audit";
import { debitInTransaction, getBalance, grantInTransaction, type LedgerEntry } from "./credits";
import type { Database } from "./db/client";
import { user } from "./db/schema";
import { NotFoundError } from "./errors";
import type { Plan } from "./tiers";

/**
 * Operator actions on accounts, shared by the admin router and the `npm run admin` command. Each
 * one, given who acts and why, writes its audit entry in the transaction that makes the change.
 */

/** What the audit says when an older caller (admin.setPlan / admin.grantCredits without one) gives no reason. */
export const NO_REASON = "(no reason given)";

export async function findUserByEmail(db: Database, email: string) {
  const [row] = await db.select().from(user).where(eq(user.email, email.trim().toLowerCase()));
  if (!row) throw new NotFoundError(`User ${email}`);
  return row;
}

export async function getPlan(db: Database, userId: string): Promise<Plan> {
  const [row] = await db.select({ plan: user.plan }).from(user).where(eq(user.id, userId));
  if (!row) throw new NotFoundError("User");
  return row.plan;
}

export async function setPlanByEmail(db: Database, email: string, plan: Plan, by?: Actor) {
  const target = await findUserByEmail(db, email);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(user)
      .set({ plan, updatedAt: new Date() })
      .where(eq(user.id, target.id))
      .returning({ id: user.id, email: user.email, plan: user.plan });
    if (by) await recordAudit(tx, by, { action: "plan.set", targetUserId: target.id, before: { plan: target.plan }, after: { plan } });
    return row!;
  });
}

export async function grantCreditsByEmail(
  db: Database,
  input: { email: string; amount: number; reason?: string; grantedBy: string },
): Promise<LedgerEntry> {
  const target = await findUserByEmail(db, input.email);
  const reason = input.reason?.trim() || undefined;
  return db.transaction(async (tx) => {
    const before = await getBalance(tx, target.id);
    const entry = await grantInTransaction(tx, {
      userId: target.id,
      amount: input.amount,
      description: reason ?? "Credits granted by an administrator",
      grantedBy: input.grantedBy,
    });
    await recordAudit(
      tx,
      { actor: input.grantedBy, reason: reason ?? NO_REASON },
      { action: "credits.grant", targetUserId: target.id, before: { balance: before }, after: { balance: entry.balanceAfter, ledgerEntryId: entry.id } },
    );
    return entry;
  });
}

/** Takes credits back (never below zero: asking for more than the balance takes nothing). */
export async function takeCreditsByEmail(db: Database, input: { email: string; amount: number; reason: string; takenBy: string }): Promise<LedgerEntry> {
  const target = await findUserByEmail(db, input.email);
  return db.transaction(async (tx) => {
    const before = await getBalance(tx, target.id);
    const { entry } = await debitInTransaction(tx, {
      userId: target.id,
      amount: input.amount,
      description: input.reason.trim(),
      takenBy: input.takenBy,
    });
    await recordAudit(
      tx,
      { actor: input.takenBy, reason: input.reason },
      { action: "credits.take", targetUserId: target.id, before: { balance: before }, after: { balance: entry.balanceAfter, ledgerEntryId: entry.id } },
    );
    return entry;
  });
}

export function isAdminEmail(adminEmails: readonly string[], email: string): boolean {
  return adminEmails.includes(email.trim().toLowerCase());
}
