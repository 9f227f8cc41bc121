import { and, count, desc, eq, ilike, inArray, max, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { apikey, creditBalances, creditLedger, generations, user } from "../db/schema";
import { NotFoundError } from "../errors";
import { listAudit } from "./audit";

/** The console's view of accounts: search by email or id, and one account in full. */

const SEARCH_LIMIT = 20;

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  plan: string;
  emailVerified: boolean;
  createdAt: Date;
  balance: number;
  /** Generations by status. */
  generations: Record<"queued" | "processing" | "succeeded" | "failed", number>;
  tokens: { count: number; lastUsedAt: Date | null };
}

/** An exact id, or emails containing the text (case-insensitive), newest accounts first. */
export async function searchUsers(db: Database, query: string): Promise<UserSummary[]> {
  const q = query.trim();
  if (!q) return [];
  const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .select()
    .from(user)
    .where(or(eq(user.id, q), ilike(user.email, pattern)))
    .orderBy(desc(user.createdAt))
    .limit(SEARCH_LIMIT);
  return summarize(db, rows);
}

export async function userDetail(db: Database, userId: string) {
  const [row] = await db.select().from(user).where(eq(user.id, userId));
  if (!row) throw new NotFoundError("User");
  const [summary] = await summarize(db, [row]);
  const [ledger, recent, audit] = await Promise.all([
    db.select().from(creditLedger).where(eq(creditLedger.userId, userId)).orderBy(desc(creditLedger.id)).limit(20),
    db
      .select({ id: generations.id, status: generations.status, stage: generations.stage, tier: generations.tier, createdAt: generations.createdAt, errorCode: generations.errorCode })
      .from(generations)
      .where(eq(generations.userId, userId))
      .orderBy(desc(generations.createdAt))
      .limit(20),
    listAudit(db, { targetUserId: userId, limit: 20 }),
  ]);
  return { user: summary!, ledger, generations: recent, audit: audit.entries };
}

async function summarize(db: Database, rows: (typeof user.$inferSelect)[]): Promise<UserSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [balances, byStatus, tokens] = await Promise.all([
    db.select().from(creditBalances).where(inArray(creditBalances.userId, ids)),
    db
      .select({ userId: generations.userId, status: generations.status, n: count() })
      .from(generations)
      .where(inArray(generations.userId, ids))
      .groupBy(generations.userId, generations.status),
    db
      .select({ userId: apikey.referenceId, n: count(), lastUsedAt: max(apikey.lastRequest) })
      .from(apikey)
      .where(and(inArray(apikey.referenceId, ids)))
      .groupBy(apikey.referenceId),
  ]);
  return rows.map((r) => {
    const generationsOf: UserSummary["generations"] = { queued: 0, processing: 0, succeeded: 0, failed: 0 };
    for (const g of byStatus) if (g.userId === r.id) generationsOf[g.status] = g.n;
    const t = tokens.find((x) => x.userId === r.id);
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      plan: r.plan,
      emailVerified: r.emailVerified,
      createdAt: r.createdAt,
      balance: balances.find((b) => b.userId === r.id)?.balance ?? 0,
      generations: generationsOf,
      tokens: { count: t?.n ?? 0, lastUsedAt: t?.lastUsedAt ?? null },
    };
  });
}
