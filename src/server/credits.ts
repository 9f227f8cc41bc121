import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "./db/client";
import { lockForTransaction } from "./db/advisory-lock";
import { creditBalances, creditLedger } from "./db/schema";
import { BadInputError } from "./errors";

/**
 * The credit ledger: every change of a balance is one appended entry, written in the same
 * transaction as the balance update. The database enforces the invariants (no negative balance,
 * one charge per idempotency key, one refund per charge); the code only reports them nicely.
 */

export type LedgerEntry = typeof creditLedger.$inferSelect;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
type Executor = Database | Tx;

export class InsufficientCreditsError extends Error {
  constructor(
    readonly needed: number,
    readonly balance: number,
  ) {
    super(`Not enough credits: this costs ${needed} credits and your balance is ${balance}.`);
    this.name = "InsufficientCreditsError";
  }
}

export interface Reference {
  referenceType?: string;
  referenceId?: string;
}

export async function getBalance(db: Executor, userId: string): Promise<number> {
  const [row] = await db
    .select({ balance: creditBalances.balance })
    .from(creditBalances)
    .where(eq(creditBalances.userId, userId));
  return row?.balance ?? 0;
}

/** Adds credits. With an idempotency key, a second grant with the same key returns the first. */
export async function grantCredits(db: Database, input: GrantInput): Promise<LedgerEntry> {
  return db.transaction((tx) => grantInTransaction(tx, input));
}

export type GrantInput = {
  userId: string;
  amount: number;
  description: string;
  grantedBy: string;
  idempotencyKey?: string;
  /** A grant that isn't a gift: "purchase" (Stripe). */
  kind?: "grant" | "purchase";
} & Reference;

/** grantCredits inside the caller's transaction, so what the grant is for commits with it. */
export async function grantInTransaction(tx: Tx, input: GrantInput): Promise<LedgerEntry> {
  if (!Number.isInteger(input.amount) || input.amount <= 0) {
    throw new RangeError("A grant must be a positive whole number of credits.");
  }
  const kind = input.kind ?? "grant";
  if (input.idempotencyKey) {
    await lockForTransaction(tx, `${kind}:${input.userId}:${input.idempotencyKey}`);
    const existing = await findByKey(tx, input.userId, kind, input.idempotencyKey);
    if (existing) return existing;
  }
  const balance = await addToBalance(tx, input.userId, input.amount);
  const [entry] = await tx
    .insert(creditLedger)
    .values({
      userId: input.userId,
      kind,
      amount: input.amount,
      balanceAfter: balance,
      description: input.description,
      referenceType: input.referenceType,
      referenceId: input.referenceId,
      idempotencyKey: input.idempotencyKey,
      grantedBy: input.grantedBy,
    })
    .returning();
  return entry!;
}

/**
 * Takes credits back (an administrator; a refunded purchase) inside the caller's transaction, as a
 * "debit" entry naming who took them. Never below zero: with `upTo`, as much as the balance allows
 * is taken (possibly nothing: the entry of 0 still records it) and the shortfall reported; without
 * it, asking for more than the balance throws BadInputError and takes nothing.
 */
export async function debitInTransaction(
  tx: Tx,
  input: {
    userId: string;
    amount: number;
    /** Or, when it depends on how much could be taken: built from what was taken and what was not. */
    description: string | ((taken: number, shortfall: number) => string);
    takenBy: string;
    upTo?: boolean;
  } & Reference,
): Promise<{ entry: LedgerEntry; taken: number; shortfall: number }> {
  if (!Number.isInteger(input.amount) || input.amount <= 0) {
    throw new RangeError("A debit must be a positive whole number of credits.");
  }
  // The balance row, locked: the amount taken is decided against the balance it is taken from.
  const [row] = await tx.select({ balance: creditBalances.balance }).from(creditBalances).where(eq(creditBalances.userId, input.userId)).for("update");
  const balance = row?.balance ?? 0;
  if (!input.upTo && balance < input.amount) {
    throw new BadInputError(`amount: Can't take ${input.amount} credits: the balance is ${balance}.`, "amount");
  }
  const taken = Math.min(balance, input.amount);
  let after = balance;
  if (taken > 0) {
    // A plain UPDATE: an upsert checks its proposed row (a negative balance) against the CHECK first.
    const [updated] = await tx
      .update(creditBalances)
      .set({ balance: sql`${creditBalances.balance} - ${taken}`, updatedAt: new Date() })
      .where(eq(creditBalances.userId, input.userId))
      .returning({ balance: creditBalances.balance });
    after = updated!.balance;
  }
  const [entry] = await tx
    .insert(creditLedger)
    .values({
      userId: input.userId,
      kind: "debit",
      amount: -taken,
      balanceAfter: after,
      description: typeof input.description === "string" ? input.description : input.description(taken, input.amount - taken),
      referenceType: input.referenceType,
      referenceId: input.referenceId,
      grantedBy: input.takenBy,
    })
    .returning();
  return { entry: entry!, taken, shortfall: input.amount - taken };
}

/**
 * Takes credits inside the caller's transaction, so the charge and what it pays for commit
 * together. The same idempotency key twice returns the first charge (`replayed: true`) and takes
 * nothing. Throws InsufficientCreditsError, leaving the balance untouched, when it would go below 0.
 */
export async function chargeCredits(
  tx: Tx,
  input: { userId: string; amount: number; description: string; idempotencyKey: string } & Reference,
): Promise<{ entry: LedgerEntry; replayed: boolean }> {
  if (!Number.isInteger(input.amount) || input.amount <= 0) {
    throw new RangeError("A charge must be a positive whole number of credits.");
  }
  // Same-key charges queue behind one another here, so the second sees the first and replays it.
  await lockForTransaction(tx, `charge:${input.userId}:${input.idempotencyKey}`);
  const existing = await findByKey(tx, input.userId, "charge", input.idempotencyKey);
  if (existing) return { entry: existing, replayed: true };

  // One conditional statement: the row lock it takes serialises concurrent charges, and the
  // WHERE refuses an overdraft without any read-then-write in JavaScript.
  const updated = await tx
    .update(creditBalances)
    .set({ balance: sql`${creditBalances.balance} - ${input.amount}`, updatedAt: new Date() })
    .where(and(eq(creditBalances.userId, input.userId), sql`${creditBalances.balance} >= ${input.amount}`))
    .returning({ balance: creditBalances.balance });
  const after = updated[0];
  if (!after) throw new InsufficientCreditsError(input.amount, await getBalance(tx, input.userId));

  const [entry] = await tx
    .insert(creditLedger)
    .values({
      userId: input.userId,
      kind: "charge",
      amount: -input.amount,
      balanceAfter: after.balance,
      description: input.description,
      referenceType: input.referenceType,
      referenceId: input.referenceId,
      idempotencyKey: input.idempotencyKey,
    })
    .returning();
  return { entry: entry!, replayed: false };
}

/**
 * Returns a charge's credits. A charge is refunded at most once: a second call returns the first
 * refund (the unique index on refund_of decides, also between concurrent callers).
 */
export async function refundCharge(
  db: Database,
  input: { chargeId: number; reason: string } & Reference,
): Promise<{ entry: LedgerEntry; replayed: boolean }> {
  return db.transaction((tx) => refundInTransaction(tx, input));
}

/** refundCharge inside the caller's transaction (what the refund is for commits with it). */
export async function refundInTransaction(
  tx: Tx,
  input: { chargeId: number; reason: string } & Reference,
): Promise<{ entry: LedgerEntry; replayed: boolean }> {
  // Locking the charge serialises concurrent refunds of it; the unique index on refund_of is
  // the backstop that makes a second refund impossible even without the lock.
  const [charge] = await tx.select().from(creditLedger).where(eq(creditLedger.id, input.chargeId)).for("update");
  if (!charge || charge.kind !== "charge") throw new Error(`Ledger entry ${input.chargeId} is not a charge.`);

  const [existing] = await tx.select().from(creditLedger).where(eq(creditLedger.refundOf, charge.id));
  if (existing) return { entry: existing, replayed: true };

  const amount = -charge.amount;
  const balance = await addToBalance(tx, charge.userId, amount);
  const [entry] = await tx
    .insert(creditLedger)
    .values({
      userId: charge.userId,
      kind: "refund",
      amount,
      balanceAfter: balance,
      description: input.reason,
      referenceType: input.referenceType ?? charge.referenceType,
      referenceId: input.referenceId ?? charge.referenceId,
      refundOf: charge.id,
    })
    .returning();
  return { entry: entry!, replayed: false };
}

export async function ledgerPage(
  db: Database,
  userId: string,
  options: { limit: number; cursor?: number },
): Promise<{ entries: LedgerEntry[]; nextCursor: number | null }> {
  const rows = await db
    .select()
    .from(creditLedger)
    .where(
      options.cursor === undefined
        ? eq(creditLedger.userId, userId)
        : and(eq(creditLedger.userId, userId), lt(creditLedger.id, options.cursor)),
    )
    .orderBy(desc(creditLedger.id))
    .limit(options.limit + 1);
  const entries = rows.slice(0, options.limit);
  const next = rows.length > options.limit ? entries[entries.length - 1]!.id : null;
  return { entries, nextCursor: next };
}

/** Sum of a user's ledger: equal to the balance at all times (checked by tests and chaos runs). */
export async function ledgerSum(db: Executor, userId: string): Promise<number> {
  const [row] = await db
    .select({ sum: sql<string>`coalesce(sum(${creditLedger.amount}), 0)` })
    .from(creditLedger)
    .where(eq(creditLedger.userId, userId));
  return Number(row?.sum ?? 0);
}

async function findByKey(tx: Executor, userId: string, kind: LedgerEntry["kind"], key: string) {
  const [row] = await tx
    .select()
    .from(creditLedger)
    .where(and(eq(creditLedger.userId, userId), eq(creditLedger.kind, kind), eq(creditLedger.idempotencyKey, key)));
  return row;
}

async function addToBalance(tx: Executor, userId: string, amount: number): Promise<number> {
  const [row] = await tx
    .insert(creditBalances)
    .values({ userId, balance: amount })
    .onConflictDoUpdate({
      target: creditBalances.userId,
      set: { balance: sql`${creditBalances.balance} + ${amount}`, updatedAt: new Date() },
    })
    .returning({ balance: creditBalances.balance });
  return row!.balance;
}

