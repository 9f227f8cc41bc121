import { and, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { adminAudit, avatars, creditLedger, generations, user } from "../db/schema";
import { NotFoundError } from "../errors";
import { failedNotRefunded } from "../generations/interventions";
import type { GenerationSettings } from "../generations/settings";
import { generationRequested } from "../jobs/events";
import type { RunsReader, RunView } from "../jobs/runs";

/** Generations across users for the console: filtered lists, and one generation's whole story. */

export const GENERATION_STATUSES = ["queued", "processing", "succeeded", "failed"] as const;
export const ENGINES = ["photomaker", "flux", "offline"] as const;
export const TIERS = ["basic", "pro", "enterprise"] as const;

export interface GenerationFilter {
  status?: (typeof GENERATION_STATUSES)[number];
  engine?: (typeof ENGINES)[number];
  tier?: (typeof TIERS)[number];
  /** A user's id, or text their email contains. */
  user?: string;
  /** Started (or, still queued, submitted) more than this many minutes ago: "processing for more than 10 minutes". */
  olderThanMinutes?: number;
  /** Failed, charged, and never refunded: should always be empty. */
  failedNotRefunded?: boolean;
  limit?: number;
}

export async function listGenerations(db: Database, filter: GenerationFilter, now = new Date()) {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(generations.status, filter.status));
  if (filter.engine) where.push(eq(generations.engine, filter.engine));
  if (filter.tier) where.push(eq(generations.tier, filter.tier));
  if (filter.user?.trim()) {
    const q = filter.user.trim();
    where.push(or(eq(generations.userId, q), ilike(user.email, `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`))!);
  }
  if (filter.olderThanMinutes !== undefined) {
    const cutoff = new Date(now.getTime() - filter.olderThanMinutes * 60_000);
    // An ISO string with its type: postgres.js can't send a bare Date compared with an expression.
    where.push(sql`coalesce(${generations.startedAt}, ${generations.createdAt}) < ${cutoff.toISOString()}::timestamptz`);
  }
  if (filter.failedNotRefunded) where.push(failedNotRefunded);
  const rows = await db
    .select({ g: generations, email: user.email })
    .from(generations)
    .innerJoin(user, eq(user.id, generations.userId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(generations.createdAt))
    .limit(Math.min(Math.max(filter.limit ?? 100, 1), 500));
  return rows.map(({ g, email }) => ({
    id: g.id,
    userId: g.userId,
    email,
    name: (g.settings as unknown as GenerationSettings).name,
    tier: g.tier,
    status: g.status,
    stage: g.stage,
    engine: g.engine,
    creditCost: g.creditCost,
    refundedCredits: g.refundedCredits,
    errorCode: g.errorCode,
    attempts: g.attempts.length,
    createdAt: g.createdAt,
    startedAt: g.startedAt,
    completedAt: g.completedAt,
    /** Minutes since it started (or was submitted), for what is still unfinished. */
    ageMinutes: Math.floor((now.getTime() - (g.startedAt ?? g.createdAt).getTime()) / 60_000),
  }));
}

export type RunsAnswer = { source: "executor"; runs: RunView[] } | { source: "unavailable"; reason: string };

/**
 * One generation's story: its row, every engine attempt (engine, HTTP status, error code, the
 * delay before the next), the ledger entries it caused, the audit of what support did to it, and
 * the workflow run(s) its start event started, with their steps.
 */
export async function generationTimeline(deps: { db: Database; runs?: RunsReader }, id: string) {
  const [row] = await deps.db
    .select({ g: generations, email: user.email })
    .from(generations)
    .innerJoin(user, eq(user.id, generations.userId))
    .where(eq(generations.id, id));
  if (!row) throw new NotFoundError("Generation");
  const { g } = row;
  const eventId = generationRequested(g).id;
  const [ledger, audit, avatar, runs] = await Promise.all([
    deps.db
      .select()
      .from(creditLedger)
      .where(
        g.chargeEntryId === null
          ? and(eq(creditLedger.referenceType, "generation"), eq(creditLedger.referenceId, id))
          : or(inArray(creditLedger.id, [g.chargeEntryId]), eq(creditLedger.refundOf, g.chargeEntryId)),
      )
      .orderBy(creditLedger.id),
    deps.db.select().from(adminAudit).where(eq(adminAudit.targetGenerationId, id)).orderBy(adminAudit.id),
    deps.db.select({ id: avatars.id, createdAt: avatars.createdAt }).from(avatars).where(eq(avatars.generationId, id)),
    readRuns(deps.runs, eventId),
  ]);
  const settings = g.settings as unknown as GenerationSettings;
  return {
    generation: {
      id: g.id,
      userId: g.userId,
      email: row.email,
      projectId: g.projectId,
      name: settings.name,
      tier: g.tier,
      status: g.status,
      stage: g.stage,
      stageDetail: g.stageDetail,
      engine: g.engine,
      creditCost: g.creditCost,
      refundedCredits: g.refundedCredits,
      errorCode: g.errorCode,
      errorMessage: g.errorMessage,
      photoCount: g.photoCount,
      stepTimings: g.stepTimings,
      createdAt: g.createdAt,
      startedAt: g.startedAt,
      completedAt: g.completedAt,
    },
    eventId,
    attempts: g.attempts.map((a) => ({ ...a, httpStatus: a.httpStatus ?? null })),
    avatar: avatar[0] ?? null,
    ledger,
    audit,
    runs,
  };
}

async function readRuns(reader: RunsReader | undefined, eventId: string): Promise<RunsAnswer> {
  if (!reader) {
    return { source: "unavailable", reason: `Runs are on Inngest: search its dashboard for the event id ${eventId}.` };
  }
  try {
    return { source: "executor", runs: await reader.forEvent(eventId) };
  } catch (error) {
    return { source: "unavailable", reason: `The executor's read API could not be reached: ${(error as Error).message}` };
  }
}
