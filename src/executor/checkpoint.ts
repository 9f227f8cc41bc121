import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, ExecutorContext } from "./db";
import { opSchema } from "./protocol";

/**
 * Async checkpointing, as inngest@4 does by default when a call carries `ctx.fn_id`: within one
 * call the SDK runs the function's steps back to back and reports each finished step here
 * (`POST /v1/checkpoint/:runId/async`) instead of answering 206 and waiting for the next call —
 * one call per run instead of one per step. Each step becomes memo at once, so a crash mid-call
 * resumes after the last checkpoint. The call's own answer (the final ops, RunComplete or a step
 * error) is applied as usual.
 */

export const checkpointBodySchema = z
  .object({
    run_id: z.string().optional(),
    /** The job id the call was made for (`ctx.qi_id`). */
    qi_id: z.string().min(1),
    steps: z.array(opSchema),
  })
  .passthrough();

/**
 * "stale" (→ 409, the SDK stops) when the run is finished or the call's lease is gone: another
 * attempt owns the run now. "unsupported" (→ 400) for anything but finished steps; the SDK then
 * answers the call with those ops instead, which the executor handles as ever.
 */
export async function applyCheckpoint(
  ctx: ExecutorContext,
  runId: string,
  body: z.infer<typeof checkpointBodySchema>,
): Promise<"ok" | "stale" | "unsupported"> {
  if (body.steps.some((op) => op.op !== "StepRun" && op.op !== "Step")) return "unsupported";
  const jobId = Number(body.qi_id);
  if (!Number.isSafeInteger(jobId)) return "stale";
  const now = new Date(ctx.clock.now());
  // A step started when the call did, or when the step before it was checkpointed.
  const startedAt = ctx.callMarks.get(jobId) ?? now;
  for (const op of body.steps) {
    const recorded = await recordCheckpointedStep(ctx.db, { runId, jobId, op, startedAt, now });
    if (!recorded) return "stale";
  }
  ctx.callMarks.set(jobId, now);
  return "ok";
}

/**
 * One statement, as the SDK checkpoints several times per call: the step becomes memo (the next
 * `seq`, as recordStep gives finished steps) only while the run is unfinished — under the run's row
 * lock, like every change to a run — and the call still holds its lease. False when it did not.
 */
async function recordCheckpointedStep(
  db: Db,
  s: { runId: string; jobId: number; op: z.infer<typeof opSchema>; startedAt: Date; now: Date },
): Promise<boolean> {
  const data = s.op.data === undefined || s.op.data === null ? null : JSON.stringify(s.op.data);
  const now = s.now.toISOString();
  const rows = await db.execute(sql`
    insert into executor_steps (run_id, step_id, name, op, status, data, error, attempts, seq, started_at, ended_at)
    select r.id, ${s.op.id}, ${s.op.displayName ?? s.op.name ?? null}, 'StepRun', 'completed', ${data}::jsonb, null, 1,
      (select coalesce(max(x.seq), 0) + 1 from executor_steps x where x.run_id = r.id),
      ${s.startedAt.toISOString()}::timestamptz, ${now}::timestamptz
    from executor_runs r
    where r.id = ${s.runId} and r.status not in ('completed', 'failed', 'cancelled')
      and exists (select 1 from executor_jobs j where j.id = ${s.jobId} and j.run_id = r.id and j.locked_until > ${now}::timestamptz)
    for update of r
    on conflict (run_id, step_id) do update set
      status = 'completed', data = excluded.data, error = null, ended_at = excluded.ended_at, op = 'StepRun',
      seq = coalesce(executor_steps.seq, excluded.seq), attempts = executor_steps.attempts + 1,
      name = coalesce(executor_steps.name, excluded.name)
    returning 1`);
  return rowsOf(rows).length > 0;
}

/** `execute` answers rows as an array on postgres.js and as `{ rows }` on PGlite. */
function rowsOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
}
