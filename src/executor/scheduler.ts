import { applyCallOutcome, applyTimer } from "./apply";
import { callFunction } from "./caller";
import type { ExecutorContext } from "./db";
import { claimJobs, deleteJob, nextWakeAt, releaseLeases, renewLeases, type Job } from "./jobs";
import type { CallOutcome } from "./protocol";
import { loadFunction } from "./registry";
import { getRunRow, isFinished, loadMemo, recordCallStart } from "./runs";
import type { createWaker } from "./time";

/**
 * The worker loop: claim due jobs up to `maxInFlight`, run each (an HTTP call, or a timer
 * resolving), keep their leases alive, and sleep until the next job is due or someone kicks.
 */

export interface SchedulerOptions {
  maxInFlight: number;
  pollIntervalMs: number;
  requestTimeoutMs: number;
}

export interface Scheduler {
  start(): void;
  /** Stops claiming, waits up to `graceMs` for in-flight jobs, then abandons and releases the rest. */
  stop(graceMs: number): Promise<void>;
}

/** A due job nobody could claim is blocked by a concurrency limit: look again soon, not in a spin. */
const BLOCKED_RECHECK_MS = 25;

export function createScheduler(
  ctx: ExecutorContext,
  waker: ReturnType<typeof createWaker>,
  options: SchedulerOptions,
): Scheduler {
  const inFlight = new Map<number, AbortController>();
  const tasks = new Set<Promise<void>>();
  let running = false;
  let stopping = false;
  let loopDone: Promise<void> = Promise.resolve();
  let heartbeat: NodeJS.Timeout | undefined;

  async function loop(): Promise<void> {
    while (running) {
      let claimed: Job[] = [];
      try {
        claimed = await claimJobs(ctx, options.maxInFlight - inFlight.size);
      } catch (error) {
        ctx.logger.error("[executor] claiming jobs failed:", error);
      }
      for (const job of claimed) dispatch(job);
      if (claimed.length > 0) continue;
      await waker.sleep(await idleMs());
    }
  }

  async function idleMs(): Promise<number> {
    if (inFlight.size >= options.maxInFlight) return options.pollIntervalMs;
    try {
      const next = await nextWakeAt(ctx.db);
      if (!next) return options.pollIntervalMs;
      const wait = next.getTime() - ctx.clock.now();
      return wait <= 0 ? Math.min(BLOCKED_RECHECK_MS, options.pollIntervalMs) : Math.min(wait, options.pollIntervalMs);
    } catch (error) {
      ctx.logger.error("[executor] reading the queue failed:", error);
      return options.pollIntervalMs;
    }
  }

  function dispatch(job: Job): void {
    const controller = new AbortController();
    inFlight.set(job.id, controller);
    const task = runJob(job, controller.signal)
      .catch((error: unknown) => ctx.logger.error(`[executor] job ${job.id} (run ${job.runId}) failed:`, error))
      .finally(() => {
        inFlight.delete(job.id);
        tasks.delete(task);
        waker.wake();
      });
    tasks.add(task);
  }

  async function runJob(job: Job, stopSignal: AbortSignal): Promise<void> {
    if (job.kind !== "call") return applyTimer(ctx, job);
    const run = await getRunRow(ctx.db, job.runId);
    if (!run || isFinished(run.status)) return deleteJob(ctx.db, job.id);
    const fn = await loadFunction(ctx.db, run.functionId);
    const startedAt = new Date(ctx.clock.now());
    let outcome: CallOutcome;
    if (!fn) {
      outcome = { kind: "error", retriable: true, retryAfter: null, error: { name: "Error", message: `Function ${run.functionId} is not registered; sync the app` } };
    } else {
      const memo = await loadMemo(ctx.db, run.id);
      await recordCallStart(ctx.db, run, job.target, job.attempt, startedAt);
      const signal = AbortSignal.any([stopSignal, AbortSignal.timeout(options.requestTimeoutMs)]);
      outcome = await callFunction({ fn, run, job, memo, signal });
    }
    // Abandoned at shutdown: the lease is released and the call made again later, attempt unspent.
    if (stopSignal.aborted) return;
    await applyCallOutcome(ctx, job, outcome, startedAt);
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopping = false;
      heartbeat = setInterval(() => {
        renewLeases(ctx, [...inFlight.keys()]).catch((error: unknown) => ctx.logger.error("[executor] lease renewal failed:", error));
      }, Math.max(50, Math.floor(ctx.leaseMs / 3)));
      heartbeat.unref();
      loopDone = loop();
    },
    async stop(graceMs) {
      if (!running || stopping) return loopDone;
      stopping = true;
      running = false;
      waker.wake();
      await loopDone;
      const settled = Promise.allSettled([...tasks]);
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, graceMs))]);
      const abandoned = [...inFlight.keys()];
      for (const controller of inFlight.values()) controller.abort();
      await settled;
      clearInterval(heartbeat);
      await releaseLeases(ctx, abandoned).catch((error: unknown) => ctx.logger.error("[executor] releasing leases failed:", error));
    },
  };
}
