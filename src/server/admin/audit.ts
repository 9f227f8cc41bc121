import { and, desc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { Tx } from "../credits";
import type { Database } from "../db/client";
import { adminAudit, user } from "../db/schema";
import { BadInputError } from "../errors";

/**
 * The audit of operator actions (console and CLI): one append-only row per action, written in the
 * transaction that makes the change, so an action and its record commit together or not at all.
 */

export const AUDIT_ACTIONS = [
  "plan.set",
  "credits.grant",
  "credits.take",
  "generation.cancel",
  "generation.redrive",
  "generation.refund",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditEntry = typeof adminAudit.$inferSelect;

/** Who acts: "admin:<user id>" from the console, "cli:<os user>" from `npm run admin`. */
export interface Actor {
  actor: string;
  reason: string;
}

export const REASON_MAX = 500;

/** Every action says why: a reason of a few words, kept as given (trimmed). */
export function checkReason(reason: string | undefined): string {
  const trimmed = reason?.trim() ?? "";
  if (trimmed.length < 3) throw new BadInputError("reason: Please say why (a few words), for the audit", "reason");
  if (trimmed.length > REASON_MAX) throw new BadInputError(`reason: Keep the reason under ${REASON_MAX} characters`, "reason");
  return trimmed;
}

export interface AuditRecord {
  action: AuditAction;
  targetUserId?: string | null;
  targetGenerationId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export async function recordAudit(db: Database | Tx, by: Actor, record: AuditRecord): Promise<AuditEntry> {
  const [row] = await db
    .insert(adminAudit)
    .values({
      actor: by.actor,
      action: record.action,
      reason: checkReason(by.reason),
      targetUserId: record.targetUserId ?? null,
      targetGenerationId: record.targetGenerationId ?? null,
      before: record.before ?? null,
      after: record.after ?? null,
    })
    .returning();
  return row!;
}

export interface AuditFilter {
  action?: AuditAction;
  actor?: string;
  targetUserId?: string;
  targetGenerationId?: string;
  since?: Date;
  /** Entries older than this id (the previous page's nextCursor). */
  cursor?: number;
  limit?: number;
}

/** Newest first, a page at a time. */
export async function listAudit(db: Database, filter: AuditFilter = {}): Promise<{ entries: AuditEntry[]; nextCursor: number | null }> {
  const where: SQL[] = [];
  if (filter.action) where.push(eq(adminAudit.action, filter.action));
  if (filter.actor) where.push(eq(adminAudit.actor, filter.actor));
  if (filter.targetUserId) where.push(eq(adminAudit.targetUserId, filter.targetUserId));
  if (filter.targetGenerationId) where.push(eq(adminAudit.targetGenerationId, filter.targetGenerationId));
  if (filter.since) where.push(gte(adminAudit.createdAt, filter.since));
  if (filter.cursor !== undefined) where.push(lt(adminAudit.id, filter.cursor));
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const rows = await db
    .select()
    .from(adminAudit)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(adminAudit.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  return { entries, nextCursor: rows.length > limit ? entries[entries.length - 1]!.id : null };
}

/** "admin:<id>" → that administrator's email where the account still exists; "cli:…" as it is. */
export async function actorNames(db: Database, entries: Pick<AuditEntry, "actor">[]): Promise<Record<string, string>> {
  const ids = [...new Set(entries.map((e) => /^admin:(.+)$/.exec(e.actor)?.[1]).filter((id): id is string => !!id))];
  const names: Record<string, string> = {};
  for (const e of entries) names[e.actor] = e.actor;
  if (ids.length === 0) return names;
  const rows = await db.select({ id: user.id, email: user.email }).from(user).where(inArray(user.id, ids));
  for (const r of rows) names[`admin:${r.id}`] = r.email;
  return names;
}
