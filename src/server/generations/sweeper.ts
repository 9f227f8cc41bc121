import { and, inArray, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { generations } from "../db/schema";
import type { Storage } from "../storage";
import { failGeneration } from "./store";

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
