import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { FunctionCache } from "./registry";
import type { Clock } from "./time";

/** Any drizzle Postgres database or transaction (PGlite or postgres.js); the executor needs no schema typing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>;

export interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What the executor's parts share. */
export interface ExecutorContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The app's `serve()` endpoint this executor drives (every call goes there). */
  serveUrl: string;
  /** Identifies this process's leases. */
  workerId: string;
  /** How long a claimed job stays leased without a heartbeat. */
  leaseMs: number;
  /** Called when new work may be due now (wakes the scheduler). */
  kick(): void;
  /** The synced functions, cached. */
  functions: FunctionCache;
  /** Send `ctx.fn_id` so the SDK checkpoints each step (see checkpoint.ts). */
  checkpointing: boolean;
  /** Per job in flight here: when its call started or last checkpointed (step start times). */
  callMarks: Map<number, Date>;
}
