import { and, asc, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "./db";
import type { EventPayload } from "./protocol";
import { executorEvents as events, executorRuns as runs, executorSteps as steps, type RunStatus, type StepStatus } from "./schema";

/** The read API: runs with their steps, attempts, timings and errors, as plain JSON-able objects. */

export interface StepView {
  id: string;
  name: string | null;
  op: string;
  status: StepStatus;
  attempts: number;
  output: unknown;
  error: unknown;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
}

export interface RunView {
  id: string;
  functionId: string;
  status: RunStatus;
  event: EventPayload;
  output: unknown;
  error: unknown;
  /** HTTP calls made to the serve URL, and how many of those were retries. */
  calls: number;
  retries: number;
  priority: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  steps: StepView[];
}

export interface RunFilter {
  functionId?: string;
  status?: RunStatus | RunStatus[];
  /** The executor's id of the triggering event (what `send()` answered). */
  eventId?: string;
  /** The id the sender gave the event (`{ id, name, data }`): the runs it started, however often it was sent. */
  eventKey?: string;
  /** Runs created at or after this time. */
  since?: Date;
  /** Newest first; default 100, at most 1000. */
  limit?: number;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const span = (from: Date | null, to: Date | null) => (from && to ? to.getTime() - from.getTime() : null);

export async function listRuns(db: Db, filter: RunFilter = {}): Promise<RunView[]> {
  const where: SQL[] = [];
  if (filter.functionId) where.push(eq(runs.functionId, filter.functionId));
  if (filter.eventId) where.push(eq(runs.eventId, filter.eventId));
  if (filter.eventKey) {
    where.push(inArray(runs.eventId, db.select({ id: events.id }).from(events).where(eq(events.dedupeKey, `id:${filter.eventKey}`))));
  }
  if (filter.since) where.push(gte(runs.createdAt, filter.since));
  if (filter.status) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    where.push(inArray(runs.status, statuses));
  }
  const limit = Math.min(Math.max(1, filter.limit ?? 100), 1000);
  const rows = await db
    .select()
    .from(runs)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const stepRows = await db
    .select()
    .from(steps)
    .where(inArray(steps.runId, rows.map((row) => row.id)))
    .orderBy(asc(sql`coalesce(${steps.seq}, 2147483647)`), asc(steps.startedAt));
  return rows.map((row) => toView(row, stepRows.filter((step) => step.runId === row.id)));
}

export async function getRun(db: Db, id: string): Promise<RunView | null> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  if (!row) return null;
  const stepRows = await db
    .select()
    .from(steps)
    .where(eq(steps.runId, id))
    .orderBy(asc(sql`coalesce(${steps.seq}, 2147483647)`), asc(steps.startedAt));
  return toView(row, stepRows);
}

function toView(row: typeof runs.$inferSelect, stepRows: (typeof steps.$inferSelect)[]): RunView {
  return {
    id: row.id,
    functionId: row.functionId,
    status: row.status,
    event: row.event as EventPayload,
    output: row.output,
    error: row.error,
    calls: row.calls,
    retries: row.retries,
    priority: row.priority,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    durationMs: span(row.startedAt, row.endedAt),
    steps: stepRows.map((step) => ({
      id: step.stepId,
      name: step.name,
      op: step.op,
      status: step.status,
      attempts: step.attempts,
      output: step.data,
      error: step.error,
      startedAt: iso(step.startedAt),
      endedAt: iso(step.endedAt),
      durationMs: span(step.startedAt, step.endedAt),
    })),
  };
}
