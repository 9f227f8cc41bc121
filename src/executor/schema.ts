import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * The local executor's own tables. They live next to the app's tables (same migrations) but the
 * app never reads them: the executor is reached only over HTTP or through its read API.
 */

const time = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Functions as the SDK registered them on the last sync (`POST /fn/register`). */
export const executorFunctions = pgTable("executor_functions", {
  id: text("id").primaryKey(),
  appId: text("app_id").notNull(),
  name: text("name"),
  /** `steps.step.runtime.url`: the serve URL with `fnId` and `stepId=step`. */
  url: text("url").notNull(),
  /** The whole registered function config (triggers, retries, concurrency, priority...). */
  config: jsonb("config").notNull(),
  updatedAt: time("updated_at").notNull(),
});

/** Every event received. `dedupeKey` makes a re-sent event (same id) start no second run. */
export const executorEvents = pgTable(
  "executor_events",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The event exactly as handed to functions: `{ id, name, data, ts, ... }`. */
    payload: jsonb("payload").notNull(),
    dedupeKey: text("dedupe_key"),
    receivedAt: time("received_at").notNull(),
  },
  (t) => [uniqueIndex("executor_events_dedupe_key").on(t.dedupeKey), index("executor_events_name").on(t.name)],
);

/** cancelled: ended by an event matching the function's `cancelOn` (see cancel.ts). */
export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export const executorRuns = pgTable(
  "executor_runs",
  {
    id: text("id").primaryKey(),
    functionId: text("function_id").notNull(),
    eventId: text("event_id").notNull(),
    event: jsonb("event").notNull(),
    status: text("status").$type<RunStatus>().notNull(),
    /** Seconds this run's jobs jump ahead in the queue (`priority.run`). */
    priority: integer("priority").notNull().default(0),
    /** Set once the function went parallel: the SDK must then only plan, never run, steps. */
    disableImmediateExecution: boolean("disable_immediate_execution").notNull().default(false),
    /** The concurrency bucket this run's calls count against (from the function's config). */
    concurrencyKey: text("concurrency_key"),
    concurrencyLimit: integer("concurrency_limit"),
    output: jsonb("output"),
    error: jsonb("error"),
    /** HTTP calls made to the serve URL, and how many of them were retries. */
    calls: integer("calls").notNull().default(0),
    retries: integer("retries").notNull().default(0),
    createdAt: time("created_at").notNull(),
    startedAt: time("started_at"),
    endedAt: time("ended_at"),
  },
  (t) => [
    index("executor_runs_function_created").on(t.functionId, t.createdAt),
    index("executor_runs_status").on(t.status),
    index("executor_runs_event").on(t.eventId),
  ],
);

export type StepStatus = "planned" | "running" | "retrying" | "sleeping" | "waiting" | "completed" | "failed" | "cancelled";

/**
 * One row per step of a run: the memo sent back to the SDK (completed/failed rows, in `seq`
 * order) and what the read API shows for steps still under way.
 */
export const executorSteps = pgTable(
  "executor_steps",
  {
    runId: text("run_id").notNull(),
    /** The SDK's hashed step id; the executor never computes it. */
    stepId: text("step_id").notNull(),
    name: text("name"),
    op: text("op").notNull(),
    status: text("status").$type<StepStatus>().notNull(),
    data: jsonb("data"),
    error: jsonb("error"),
    attempts: integer("attempts").notNull().default(0),
    /** Completion order, sent to the SDK as `ctx.stack.stack`. */
    seq: integer("seq"),
    startedAt: time("started_at"),
    endedAt: time("ended_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] })],
);

export type JobKind = "call" | "sleep" | "wait";

/**
 * The durable queue. A `call` job is one HTTP call to the serve URL (`target` = "step" for the
 * function itself, or a planned step's id); `sleep` and `wait` jobs resolve a step at `runAt`
 * (a wait resolves earlier when a matching event arrives). Workers lease jobs with
 * `lockedUntil`; an expired lease means its worker died and the job may be claimed again.
 */
export const executorJobs = pgTable(
  "executor_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id").notNull(),
    functionId: text("function_id").notNull(),
    kind: text("kind").$type<JobKind>().notNull(),
    target: text("target").notNull(),
    attempt: integer("attempt").notNull().default(0),
    runAt: time("run_at").notNull(),
    /** `runAt` minus the run's priority: the queue order. */
    sortAt: time("sort_at").notNull(),
    lockedUntil: time("locked_until"),
    lockedBy: text("locked_by"),
    /** For `wait` jobs: the awaited event name and the SDK's `if` expression. */
    eventName: text("event_name"),
    expression: text("expression"),
    /** For `call` jobs of functions with a concurrency limit. */
    concurrencyKey: text("concurrency_key"),
    concurrencyLimit: integer("concurrency_limit"),
  },
  (t) => [
    uniqueIndex("executor_jobs_run_target").on(t.runId, t.target),
    index("executor_jobs_due").on(t.sortAt),
    index("executor_jobs_concurrency").on(t.concurrencyKey).where(sql`${t.concurrencyKey} is not null`),
    index("executor_jobs_waits").on(t.eventName).where(sql`${t.kind} = 'wait'`),
  ],
);
