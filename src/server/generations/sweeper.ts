import { and, eq, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { generations } from "../db/schema";
import type { Storage } from "../storage";
import { failGeneration, type StartDeps } from "./store";

/**
 * A generation is charged and stored in one transaction, and its event is sent right after. If
 * the process dies in between, nothing would ever start it. So generations still waiting for
 * their first step this long after submit get their event again, every few minutes and (all of
 * them, at once) when the server starts; the event's id is the generation's (jobs/events.ts), so
 * one already started or queued starts nothing new. Runs waiting behind the concurrency limit are
 * simply re-announced.
 */
export const RESEND_AFTER_MS = 60 * 1000;

export async function resendUnstartedGenerations(
  deps: Pick<StartDeps, "db" | "sendEvent">,
  { olderThanMs = RESEND_AFTER_MS, now = new Date() } = {},
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - olderThanMs);
  const waiting = await deps.db
    .select()
    .from(generations)
    .where(and(eq(generations.status, "queued"), eq(generations.stage, "queued"), lt(generations.createdAt, cutoff)));
  for (const generation of waiting) await deps.sendEvent(generation);
  return waiting.map((g) => g.id);
}

/**
 * The last line of defence against a paid job stuck "processing": anything unfinished long after
 * the slowest legitimate run (retries, rate-limit waits, fallback) is failed and refunded.
 * Three hours is far beyond that worst case (about one hour), so a live run is never cut short.
 */
export const STUCK_AFTER_MS = 3 * 60 * 60 * 1000;

export async function sweepStuckGenerations(deps: { db: Database; storage: Storage }, now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - STUCK_AFTER_MS);
  const stuck = await deps.db
    .select({ id: generations.id })
    .from(generations)
    .where(and(inArray(generations.status, ["queued", "processing"]), lt(generations.createdAt, cutoff)));
  for (const { id } of stuck) await failGeneration(deps, id, "STUCK");
  return stuck.map((s) => s.id);
}
