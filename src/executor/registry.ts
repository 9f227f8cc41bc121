import { and, eq, notInArray } from "drizzle-orm";
import type { Db, Logger } from "./db";
import { evaluate, eventDataPath, matches } from "./expressions";
import {
  concurrencyLimits,
  functionConfigSchema,
  IGNORED_CONFIG_FIELDS,
  type EventPayload,
  type FunctionConfig,
  type registerBodySchema,
} from "./protocol";
import { executorFunctions } from "./schema";
import type { z } from "zod";

/** Functions as synced by the SDK, and the per-run settings derived from their config. */

export interface RegisteredFunction {
  id: string;
  appId: string;
  url: string;
  config: FunctionConfig;
}

/** Stores an app's functions (replacing the app's previous set) and reports what is ignored. */
export async function registerApp(
  db: Db,
  body: z.infer<typeof registerBodySchema>,
  logger: Logger,
  now: Date,
): Promise<void> {
  const ids = body.functions.map((fn) => fn.id);
  await db.transaction(async (tx) => {
    for (const fn of body.functions) {
      const url = fn.steps["step"]?.runtime.url ?? body.url;
      const row = { appId: body.appName, name: fn.name ?? null, url, config: fn, updatedAt: now };
      await tx
        .insert(executorFunctions)
        .values({ id: fn.id, ...row })
        .onConflictDoUpdate({ target: executorFunctions.id, set: row });
    }
    const stale = eq(executorFunctions.appId, body.appName);
    await tx.delete(executorFunctions).where(ids.length ? and(stale, notInArray(executorFunctions.id, ids)) : stale);
  });
  for (const fn of body.functions) warnUnsupported(fn, logger);
}

function warnUnsupported(fn: FunctionConfig, logger: Logger): void {
  for (const field of IGNORED_CONFIG_FIELDS) {
    if (fn[field] !== undefined) logger.warn(`[executor] ${fn.id}: "${field}" is not implemented locally; ignored`);
  }
  for (const trigger of fn.triggers) {
    if ("cron" in trigger) logger.warn(`[executor] ${fn.id}: cron trigger "${String(trigger.cron)}" is not scheduled locally`);
  }
  const run = fn.priority?.run;
  if (run && !eventDataPath(run)) logger.warn(`[executor] ${fn.id}: priority.run "${run}" is not event.data.<field>; ignored`);
  const limits = concurrencyLimits(fn);
  if (limits.length > 1) logger.warn(`[executor] ${fn.id}: only the first concurrency limit is enforced locally`);
}

export async function loadFunctions(db: Db): Promise<RegisteredFunction[]> {
  const rows = await db.select().from(executorFunctions);
  return rows.map((row) => ({ id: row.id, appId: row.appId, url: row.url, config: functionConfigSchema.parse(row.config) }));
}

export interface FunctionCache {
  all(db: Db): Promise<RegisteredFunction[]>;
  get(db: Db, id: string): Promise<RegisteredFunction | null>;
  /** Called when this process stores a sync. */
  clear(): void;
}

/**
 * Functions change only when an app syncs, yet every call and every event read them (a tenth of
 * the executor's queries). They are kept for `ttlMs`, so another process's sync shows within
 * that; a sync stored by this process, or an id not found, reloads at once.
 */
export function createFunctionCache(ttlMs = 1_000): FunctionCache {
  let cached: { at: number; list: RegisteredFunction[]; byId: Map<string, RegisteredFunction> } | null = null;
  const load = async (db: Db) => {
    const list = await loadFunctions(db);
    cached = { at: Date.now(), list, byId: new Map(list.map((fn) => [fn.id, fn])) };
    return cached;
  };
  const fresh = (db: Db) => (cached && Date.now() - cached.at < ttlMs ? Promise.resolve(cached) : load(db));
  return {
    all: async (db) => (await fresh(db)).list,
    async get(db, id) {
      const found = (await fresh(db)).byId.get(id);
      return found ?? (await load(db)).byId.get(id) ?? null;
    },
    clear() {
      cached = null;
    },
  };
}

export function nameMatches(pattern: string, name: string): boolean {
  return pattern === name || (pattern.endsWith("/*") && name.startsWith(pattern.slice(0, -1)));
}

/** Does this event start a run of `fn` (name, wildcard `prefix/*`, and trigger `if`)? */
export function triggeredBy(fn: RegisteredFunction, event: EventPayload, logger: Logger): boolean {
  return fn.config.triggers.some(
    (trigger) =>
      "event" in trigger &&
      typeof trigger.event === "string" &&
      nameMatches(trigger.event, event.name) &&
      matches(typeof trigger.expression === "string" ? trigger.expression : null, { event }, (error) => logger.warn(`[executor] ${fn.id}: ${error.message}`)),
  );
}

const PRIORITY_LIMIT_S = 600;

/** `priority.run` when it is `event.data.<field>`: seconds the run jumps ahead (clamped to ±600). */
export function runPriority(fn: RegisteredFunction, event: EventPayload): number {
  const expression = fn.config.priority?.run;
  const path = expression ? eventDataPath(expression) : null;
  if (!path) return 0;
  let value: unknown = event;
  for (const part of path) value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  const seconds = typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : 0;
  return Math.max(-PRIORITY_LIMIT_S, Math.min(PRIORITY_LIMIT_S, seconds));
}

/** The concurrency bucket a run's calls count against, or null when the function has no limit. */
export function concurrencyFor(
  fn: RegisteredFunction,
  event: EventPayload,
  logger: Logger,
): { key: string; limit: number } | null {
  const [first] = concurrencyLimits(fn.config);
  if (!first) return null;
  let keyValue = "";
  if (first.key) {
    try {
      keyValue = JSON.stringify(evaluate(first.key, { event }) ?? null);
    } catch (error) {
      logger.warn(`[executor] ${fn.id}: concurrency key: ${(error as Error).message}; using one shared bucket`);
    }
  }
  const scope = first.scope ?? "fn";
  const prefix = scope === "fn" ? `fn:${fn.id}` : `${scope}:${first.key ?? ""}`;
  return { key: `${prefix}:${keyValue}`, limit: first.limit };
}
