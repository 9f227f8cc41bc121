import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { and, desc, eq, gt, inArray, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { generations } from "../db/schema";
import { generationView, type GenerationView } from "./views";

/**
 * The source of the live status stream: the generations of one project, each yielded whenever
 * what the user sees of it changes (stage, stage detail, attempts, outcome).
 *
 * The workflow writes stages to the database, possibly from another process (Inngest cloud), so
 * the database is the source of truth: each subscriber re-reads its project's in-flight rows
 * every `intervalMs` (one indexed query) and yields only what changed. `notifyGenerationChanged`
 * wakes every subscriber of this process at once, for writers that want lower latency.
 */

export interface LiveEvent {
  /** "<generationId>:<version>", the SSE event id: a reconnect resumes without repeats. */
  eventId: string;
  view: GenerationView;
}

export interface WatchOptions {
  signal?: AbortSignal;
  /** The last event id the client saw (tracked() sends it back on reconnect). */
  lastEventId?: string | null;
  intervalMs?: number;
  /** Finished generations younger than this are still reported (they may have just ended). */
  recentMs?: number;
}

export const LIVE_POLL_MS = 500;
const RECENT_MS = 2 * 60_000;

// One emitter per process, shared by every bundled copy of this module.
const KEY = Symbol.for("avatar-studio.generation-changes");
const holder = globalThis as { [KEY]?: EventEmitter };
const changes = (holder[KEY] ??= new EventEmitter().setMaxListeners(0));

/**
 * Wakes the subscribers of this process now instead of at their next poll. `finished` tells
 * them the generation has just ended (succeeded or failed), so a waiter need not read the row on
 * every stage change.
 */
export function notifyGenerationChanged(generationId: string, finished = false): void {
  changes.emit("change", generationId, finished);
}

/** Calls `listener` for every generation this process changes; returns the unsubscribe. */
export function onGenerationChanged(listener: (generationId: string, finished: boolean) => void): () => void {
  changes.on("change", listener);
  return () => changes.off("change", listener);
}

/** Changes when anything shown about the generation changes; short and stable. */
export function versionOf(view: GenerationView): string {
  const shown = [view.status, view.stage, view.stageDetail, view.attempts, view.engine, view.errorCode, view.refundedCredits];
  return createHash("sha1").update(JSON.stringify(shown)).digest("hex").slice(0, 12);
}

/** In-flight and recently finished generations of a project the user owns. */
export async function liveProjectGenerations(db: Database, userId: string, projectId: string, recentMs = RECENT_MS) {
  const rows = await db
    .select()
    .from(generations)
    .where(
      and(
        eq(generations.projectId, projectId),
        eq(generations.userId, userId),
        or(inArray(generations.status, ["queued", "processing"]), gt(generations.completedAt, new Date(Date.now() - recentMs))),
      ),
    )
    .orderBy(desc(generations.createdAt))
    .limit(50);
  return rows.map(generationView);
}

export async function* watchProjectGenerations(
  db: Database,
  userId: string,
  projectId: string,
  options: WatchOptions = {},
): AsyncGenerator<LiveEvent, void, unknown> {
  const seen = new Map<string, string>();
  const last = /^([^:]+):([0-9a-f]+)$/.exec(options.lastEventId ?? "");
  if (last) seen.set(last[1]!, last[2]!);
  const interval = options.intervalMs ?? LIVE_POLL_MS;

  while (!options.signal?.aborted) {
    for (const view of await liveProjectGenerations(db, userId, projectId, options.recentMs)) {
      const version = versionOf(view);
      if (seen.get(view.id) === version) continue;
      seen.set(view.id, version);
      yield { eventId: `${view.id}:${version}`, view };
    }
    await pause(interval, options.signal);
  }
}

/** Resolves after `ms`, on abort, or when any generation changes in this process. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      changes.off("change", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    changes.on("change", done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
