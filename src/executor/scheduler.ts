import { applyCallOutcome, applyTimer } from "./apply";
import { callFunction } from "./caller";
import type { ExecutorContext } from "./db";
import { claimJobs, deleteJob, nextWakeAt, releaseLeases, renewLeases, type Job } from "./jobs";
import type { CallOutcome } from "./protocol";
import { loadMemo, startCall } from "./runs";
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
      const wanted = options.maxInFlight - inFlight.size;
      try {
        claimed = await claimJobs(ctx, wanted);
      } catch (error) {
        ctx.logger.error("[executor] claiming jobs failed:", error);
      }
      for (const job of claimed) dispatch(job);
      // A full batch may have left more behind; a short one took everything claimable now.
      if (claimed.length > 0 && claimed.length === wanted) continue;
      await waker.sleep(await idleMs());
    }
  }

  async function idleMs(): Promise<number> {
    if (inFlight.size >= options.maxInFlight) return options.pollIntervalMs;
    try {
      const next = await nextWakeAt(ctx.db);
      if (!next) return options.pollIntervalMs;
      const wait = next.getTime() - ctx.clock.now();
      if (wait > 0) return Math.min(wait, options.pollIntervalMs);
      // Due but blocked by a concurrency limit. When this worker holds slots, each job it finishes
      // kicks the loop; only slots held by other processes need a quick look again.
      return inFlight.size > 0 ? options.pollIntervalMs : Math.min(BLOCKED_RECHECK_MS, options.pollIntervalMs);
    } catch (error) {
      ctx.logger.error("[executor] reading the queue failed:", error);
      return options.pollIntervalMs;
    }
  }

  function dispatch(job: Job): void {
    const controller = new AbortController();
    inFlight.set(job.id, controller);
    const task: Promise<void> = runJob(job, controller.signal)
      .catch((error: unknown) => {
        ctx.logger.error(`[executor] job ${job.id} (run ${job.runId}) failed:`, error);
        return null;
      })
      .then((next) => {
        inFlight.delete(job.id);
        tasks.delete(task);
        // The run's next call, already leased: it takes this job's place at once.
        if (next && running) return dispatch(next);
        // The job's slot is free and its answer may have queued work: one look at the queue.
        waker.wake();
        // Stopping: give it back (stop() awaits this task, so the release is done before it returns).
        if (next) return releaseLeases(ctx, [next.id]).catch((error: unknown) => ctx.logger.error("[executor] releasing a lease failed:", error));
      });
    tasks.add(task);
  }

  /** Runs one job; returns the run's next call when this worker may go straight on with it. */
  async function runJob(job: Job, stopSignal: AbortSignal): Promise<Job | null> {
    if (job.kind !== "call") return applyTimer(ctx, job);
    const startedAt = new Date(ctx.clock.now());
    const run = await startCall(ctx.db, job.runId, job.target, job.attempt, startedAt);
    if (!run) {
      await deleteJob(ctx.db, job.id); // the run is gone or already finished
      return null;
    }
    const fn = await ctx.functions.get(ctx.db, run.functionId);
    let outcome: CallOutcome;
    if (!fn) {
      outcome = { kind: "error", retriable: true, retryAfter: null, error: { name: "Error", message: `Function ${run.functionId} is not registered; sync the app` } };
    } else {
      // Steps are only ever recorded in answer to a call, so a run's first call has none to read.
      const memo = run.calls === 1 ? { steps: {}, stack: [] } : await loadMemo(ctx.db, run.id);
      const signal = AbortSignal.any([stopSignal, AbortSignal.timeout(options.requestTimeoutMs)]);
      ctx.callMarks.set(job.id, startedAt);
      try {
        outcome = await callFunction({ checkpointing: ctx.checkpointing, fn, run, job, memo, signal, serveUrl: ctx.serveUrl });
      } finally {
        ctx.callMarks.delete(job.id);
      }
    }
    // Abandoned at shutdown: the lease is released and the call made again later, attempt unspent.
    if (stopSignal.aborted) return null;
    return applyCallOutcome(ctx, job, outcome, startedAt);
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
