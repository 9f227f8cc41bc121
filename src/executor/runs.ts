import { and, asc, eq, inArray, isNotNull, notInArray, sql } from "drizzle-orm";
import type { Db } from "./db";
import { ulid } from "./ids";
import { enqueue } from "./jobs";
import type { EventPayload, Memo } from "./protocol";
import type { RegisteredFunction } from "./registry";
import { executorRuns as runs, executorSteps as steps, type RunStatus, type StepStatus } from "./schema";

/** Runs and their steps: creation, the memo sent to the SDK, step records and run completion. */

export type Run = typeof runs.$inferSelect;

export interface NewRun {
  fn: RegisteredFunction;
  event: EventPayload;
  priority: number;
  concurrency: { key: string; limit: number } | null;
  now: Date;
}

/** Creates a queued run and its first call. */
export async function createRun(tx: Db, input: NewRun): Promise<string> {
  const id = ulid(input.now.getTime());
  const [run] = await tx
    .insert(runs)
    .values({
      id,
      functionId: input.fn.id,
      eventId: input.event.id,
      event: input.event,
      status: "queued",
      priority: input.priority,
      concurrencyKey: input.concurrency?.key ?? null,
      concurrencyLimit: input.concurrency?.limit ?? null,
      createdAt: input.now,
    })
    .returning();
  await enqueueCall(tx, run!, "step", input.now);
  return id;
}

/** Schedules a call of the run's function (`target` "step") or of one planned step. */
export async function enqueueCall(tx: Db, run: Run, target: string, at: Date): Promise<void> {
  await enqueue(tx, {
    runId: run.id,
    functionId: run.functionId,
    kind: "call",
    target,
    runAt: at,
    priority: run.priority,
    concurrencyKey: run.concurrencyKey,
    concurrencyLimit: run.concurrencyLimit,
  });
}

/** Row-locks a run: every change to a run's state happens under this lock, one writer at a time. */
export async function lockRun(tx: Db, id: string): Promise<Run | null> {
  const [run] = await tx.select().from(runs).where(eq(runs.id, id)).for("update");
  return run ?? null;
}


/** The statuses a run never leaves. */
export const FINISHED_STATUSES = ["completed", "failed", "cancelled"] as const satisfies RunStatus[];

export function isFinished(status: RunStatus): boolean {
  return (FINISHED_STATUSES as readonly RunStatus[]).includes(status);
}

/** The memoised steps in completion order: the request's `steps` and `ctx.stack.stack`. */
export async function loadMemo(db: Db, runId: string): Promise<{ steps: Record<string, Memo>; stack: string[] }> {
  const rows = await db
    .select({ stepId: steps.stepId, status: steps.status, data: steps.data, error: steps.error })
    .from(steps)
    .where(and(eq(steps.runId, runId), isNotNull(steps.seq)))
    .orderBy(asc(steps.seq));
  const memo: Record<string, Memo> = {};
  for (const row of rows) memo[row.stepId] = row.status === "failed" ? { error: row.error } : { data: row.data ?? null };
  return { steps: memo, stack: rows.map((row) => row.stepId) };
}

export async function isMemoised(tx: Db, runId: string, stepId: string): Promise<boolean> {
  const [row] = await tx
    .select({ seq: steps.seq })
    .from(steps)
    .where(and(eq(steps.runId, runId), eq(steps.stepId, stepId)));
  return row?.seq !== null && row?.seq !== undefined;
}

/**
 * Counts a call against the run (and the planned step it runs) as it starts, and returns the run;
 * null when it is gone or already finished (then there is nothing to call).
 */
export async function startCall(db: Db, runId: string, target: string, attempt: number, now: Date): Promise<Run | null> {
  const [run] = await db
    .update(runs)
    .set({
      status: sql`case when ${runs.status} = 'queued' then 'running' else ${runs.status} end`,
      startedAt: sql`coalesce(${runs.startedAt}, ${now.toISOString()}::timestamptz)`,
      calls: sql`${runs.calls} + 1`,
      retries: attempt > 0 ? sql`${runs.retries} + 1` : runs.retries,
    })
    .where(and(eq(runs.id, runId), notInArray(runs.status, FINISHED_STATUSES)))
    .returning();
  if (!run) return null;
  if (target !== "step") {
    await db
      .update(steps)
      .set({ status: "running", startedAt: sql`coalesce(${steps.startedAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(steps.runId, run.id), eq(steps.stepId, target)));
  }
  return run;
}

export interface StepRecord {
  stepId: string;
  name?: string | null;
  op: string;
  status: StepStatus;
  data?: unknown;
  error?: unknown;
  /** Adds to the step's attempt count. */
  attempted?: boolean;
  now: Date;
  /** When a step run inside a function call has no start time of its own. */
  startedAt?: Date;
}

/** Inserts or updates a step; completed and failed steps get the next `seq` (they become memo). */
export async function recordStep(tx: Db, runId: string, step: StepRecord): Promise<void> {
  const final = step.status === "completed" || step.status === "failed";
  const seq = final
    ? sql`(select coalesce(max(s.seq), 0) + 1 from executor_steps s where s.run_id = ${runId})`
    : null;
  const values = {
    status: step.status,
    data: step.data ?? null,
    error: step.error ?? null,
    endedAt: final ? step.now : null,
  };
  await tx
    .insert(steps)
    .values({
      runId,
      stepId: step.stepId,
      name: step.name ?? null,
      op: step.op,
      ...values,
      attempts: step.attempted ? 1 : 0,
      seq,
      startedAt: step.startedAt ?? step.now,
    })
    .onConflictDoUpdate({
      target: [steps.runId, steps.stepId],
      set: {
        ...values,
        op: step.op,
        seq: final ? sql`coalesce(${steps.seq}, ${seq})` : steps.seq,
        attempts: step.attempted ? sql`${steps.attempts} + 1` : steps.attempts,
        name: sql`coalesce(${steps.name}, excluded.name)`,
      },
    });
}

export async function setDisableImmediateExecution(tx: Db, runId: string): Promise<void> {
  await tx.update(runs).set({ disableImmediateExecution: true }).where(eq(runs.id, runId));
}

/** Ends a run. Steps still under way are marked failed (or cancelled) so the read API shows no ghosts. */
export async function finishRun(
  tx: Db,
  runId: string,
  result: { status: "completed"; output: unknown } | { status: "failed" | "cancelled"; error: unknown },
  now: Date,
): Promise<void> {
  await tx
    .update(runs)
    .set({
      status: result.status,
      output: result.status === "completed" ? (result.output ?? null) : null,
      error: result.status === "completed" ? null : (result.error ?? null),
      endedAt: now,
    })
    .where(eq(runs.id, runId));
  if (result.status !== "completed") {
    await tx
      .update(steps)
      .set({ status: result.status, endedAt: now })
      .where(and(eq(steps.runId, runId), inArray(steps.status, ["planned", "running", "retrying", "sleeping", "waiting"])));
  }
}
