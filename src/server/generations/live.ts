import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { and, desc, eq, gt, inArray, or } from "drizzle-orm";
import type { Database, DatabaseHandle } from "../db/client";
import { generations } from "../db/schema";
import { generationView, type GenerationView } from "./views";

/**
 * The source of the live status stream: the generations of one project, each yielded whenever
 * what the user sees of it changes (stage, stage detail, attempts, outcome).
 *
 * The workflow writes stages to the database, from whichever instance ran the step, so the
 * database is the source of truth: each subscriber re-reads its project's in-flight rows (one
 * indexed query) and yields only what changed. It looks when the database announces a change to
 * one of its project's generations (a trigger NOTIFYs on every change, drizzle/0004; each process
 * LISTENs once, listenForGenerationChanges), and every `intervalMs` as a backstop for
 * notifications lost while a connection was down.
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

/** The backstop look without notifications (a process that doesn't listen): twice a second. */
export const LIVE_POLL_MS = 500;
/** …and with them, where a look between notifications only covers a lost one. */
export const LIVE_BACKSTOP_MS = 5_000;
const RECENT_MS = 2 * 60_000;

// One emitter per process, and one LISTEN per database, shared by every bundled copy of this module.
const KEY = Symbol.for("avatar-studio.generation-changes");
const holder = globalThis as { [KEY]?: { emitter: EventEmitter; listening: WeakSet<object> } };
const shared = (holder[KEY] ??= { emitter: new EventEmitter().setMaxListeners(0), listening: new WeakSet() });
const changes = shared.emitter;
export const GENERATION_CHANGES_CHANNEL = "generation_changes";

/**
 * Wakes this process's subscribers of the generation's project now instead of at their next look.
 * `finished` tells them it has just ended (succeeded or failed), so a waiter need not read the
 * row on every stage change. The database's announcements arrive here.
 */
export function notifyGenerationChanged(generationId: string, finished = false, projectId?: string): void {
  changes.emit("change", generationId, finished, projectId);
}

/** Calls `listener` for every change announced to this process; returns the unsubscribe. */
export function onGenerationChanged(listener: (generationId: string, finished: boolean) => void): () => void {
  changes.on("change", listener);
  return () => changes.off("change", listener);
}

/**
 * LISTENs for the database's announcements (once per database and process), so a change made on
 * any instance wakes this one's subscribers within milliseconds. Returns whether it listens.
 */
export async function listenForGenerationChanges(handle: Pick<DatabaseHandle, "db" | "listen">): Promise<boolean> {
  if (!handle.listen) return false;
  if (shared.listening.has(handle.db)) return true;
  shared.listening.add(handle.db);
  try {
    await handle.listen(GENERATION_CHANGES_CHANNEL, (payload) => {
      const [projectId, generationId, ended] = payload.split(":");
      if (projectId && generationId) notifyGenerationChanged(generationId, ended === "1", projectId);
    });
  } catch (error) {
    shared.listening.delete(handle.db);
    throw error;
  }
  return true;
}

function listening(db: Database): boolean {
  return shared.listening.has(db);
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
  const interval = options.intervalMs ?? (listening(db) ? LIVE_BACKSTOP_MS : LIVE_POLL_MS);

  while (!options.signal?.aborted) {
    for (const view of await liveProjectGenerations(db, userId, projectId, options.recentMs)) {
      const version = versionOf(view);
      if (seen.get(view.id) === version) continue;
      seen.set(view.id, version);
      yield { eventId: `${view.id}:${version}`, view };
    }
    await pause(interval, projectId, options.signal);
  }
}

/** Resolves after `ms`, on abort, or when a generation of the project changes (or one of unknown project). */
function pause(ms: number, projectId: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onChange = (_id: string, _finished: boolean, changed?: string) => {
      if (changed === undefined || changed === projectId) done();
    };
    const done = () => {
      clearTimeout(timer);
      changes.off("change", onChange);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    changes.on("change", onChange);
    signal?.addEventListener("abort", done, { once: true });
  });
}
