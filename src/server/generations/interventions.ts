import { eq, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../admin/audit";
import { getBalance, refundInTransaction } from "../credits";
import type { Database } from "../db/client";
import { avatars, creditLedger, generations } from "../db/schema";
import { BadInputError, NotFoundError } from "../errors";
import { isFailureCode, refundMessage } from "../failures";
import { generationRequested } from "../jobs/events";
import { isLive, type RunView } from "../jobs/runs";
import { storageKeys } from "../storage";
import type { Generation, StartDeps } from "./store";

/**
 * What support does to one generation, each audited in the transaction that makes the change:
 * cancel a queued or running one (its run is cancelled through the workflow's `cancelOn` event and
 * it is refunded once), re-drive one whose run is lost (its start event again, same id), refund by
 * hand a failed one the automatic refund missed. Account deletion cancels with `by` null (no audit).
 */

export type InterventionDeps = StartDeps;

const UNFINISHED = ["queued", "processing"] as const;
const unfinished = (g: Pick<Generation, "status">) => (UNFINISHED as readonly string[]).includes(g.status);

export type CancelOutcome =
  | { outcome: "cancelled"; generation: Generation; refunded: number; runCancel: "sent" | "not connected" }
  /** Its avatar was saved while the cancel went out: it is finished as succeeded, nothing refunded. */
  | { outcome: "completed"; generation: Generation; refunded: 0; runCancel: "sent" | "not connected" };

/**
 * Cancels a queued or running generation. The cancel event goes first, outside any transaction
 * (the executor shares the database): if it can't be sent nothing has changed. Then, under the
 * generation's row lock, the charge is refunded (at most once, the ledger's unique index) and the
 * row ends as failed with code CANCELLED; a step still in flight finds it so and saves no avatar
 * (insertAvatarUnlessCancelled). Its photos and work files are deleted last.
 */
export async function cancelGeneration(deps: InterventionDeps, id: string, by: Actor | null): Promise<CancelOutcome> {
  const current = await mustFind(deps.db, id);
  refuseUnlessRunning(current);
  if (await hasAvatar(deps.db, id)) throw new BadInputError("Its avatar is already saved: it is finishing, not stuck", "generationId");
  const runCancel = deps.sendCancel ? "sent" : "not connected";
  await deps.sendCancel?.(id);

  const result = await deps.db.transaction(async (tx): Promise<CancelOutcome> => {
    const [row] = await tx.select().from(generations).where(eq(generations.id, id)).for("update");
    if (!row) throw new NotFoundError("Generation");
    refuseUnlessRunning(row);
    const db = tx as unknown as Database;
    if (await hasAvatar(db, id)) {
      const [done] = await tx
        .update(generations)
        .set({ status: "succeeded", stage: "succeeded", stageDetail: {}, completedAt: new Date(), inputKeys: [] })
        .where(eq(generations.id, id))
        .returning();
      return { outcome: "completed", generation: done!, refunded: 0, runCancel };
    }
    let refunded = 0;
    if (row.chargeEntryId !== null) {
      const refund = await refundInTransaction(tx, {
        chargeId: row.chargeEntryId,
        reason: `Refund: cancelled by support${by ? ` (${by.reason.trim()})` : ""}`,
        referenceType: "generation",
        referenceId: id,
      });
      refunded = refund.entry.amount;
    }
    const [cancelled] = await tx
      .update(generations)
      .set({
        status: "failed",
        stage: "failed",
        stageDetail: {},
        errorCode: "CANCELLED",
        errorMessage: refundMessage("CANCELLED", refunded),
        refundedCredits: refunded,
        completedAt: new Date(),
        inputKeys: [],
      })
      .where(eq(generations.id, id))
      .returning();
    if (by) {
      await recordAudit(tx, by, {
        action: "generation.cancel",
        targetUserId: row.userId,
        targetGenerationId: id,
        before: { status: row.status, stage: row.stage, creditCost: row.creditCost },
        after: { status: "failed", errorCode: "CANCELLED", refunded, balance: await getBalance(tx, row.userId), runCancel },
      });
    }
    return { outcome: "cancelled", generation: cancelled!, refunded, runCancel };
  });
  await deps.storage.deletePrefix(storageKeys.inputsOf(current.userId, id));
  await deps.storage.deletePrefix(storageKeys.workOf(current.userId, id));
  // Subscribers hear of it from the database (generations/live.ts).
  return result;
}

/**
 * Sends a waiting or running generation's start event again, with the same id: Inngest and the
 * local executor start a run only for an id they have not seen, so this starts the run whose event
 * was lost and never a second one. Refused where the runs show it can't help: a live run (nothing
 * is lost), or a finished run (its event id is spent; cancel or refund instead).
 */
export async function redriveGeneration(deps: InterventionDeps, id: string, by: Actor) {
  const current = await mustFind(deps.db, id);
  refuseUnlessRunning(current);
  const event = generationRequested(current);
  const runs: RunView[] | null = deps.runs ? await deps.runs.forEvent(event.id) : null;
  const live = runs?.find(isLive);
  if (live) throw new BadInputError(`Its run ${live.id} is ${live.status}: nothing is lost, so there is nothing to re-drive`, "generationId");
  const ended = runs?.[0];
  if (ended) {
    throw new BadInputError(
      `Its run ${ended.id} ended (${ended.status}) and its start event was used: the same event starts nothing new. Cancel it instead (it is refunded).`,
      "generationId",
    );
  }
  await deps.sendEvent(current);
  await recordAudit(deps.db, by, {
    action: "generation.redrive",
    targetUserId: current.userId,
    targetGenerationId: id,
    before: { status: current.status, stage: current.stage, runs: runs === null ? "unknown (hosted Inngest)" : 0 },
    after: { eventId: event.id, sentAt: new Date().toISOString() },
  });
  return { eventId: event.id, runsBefore: runs };
}

/**
 * Refunds a failed generation whose charge was never refunded. The ledger allows one refund per
 * charge, so this and the automatic refund can never both happen: a charge already refunded is
 * refused with the entry that did it, and nothing changes.
 */
export async function refundGenerationByHand(db: Database, id: string, by: Actor) {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(generations).where(eq(generations.id, id)).for("update");
    if (!row) throw new NotFoundError("Generation");
    if (row.status !== "failed") throw new BadInputError(`Only a failed generation is refunded; this one is ${row.status}`, "generationId");
    if (row.chargeEntryId === null) throw new BadInputError("It was never charged: there is nothing to refund", "generationId");
    const refund = await refundInTransaction(tx, {
      chargeId: row.chargeEntryId,
      reason: `Refund by support: ${by.reason.trim()}`,
      referenceType: "generation",
      referenceId: id,
    });
    if (refund.replayed) {
      throw new BadInputError(`Already refunded (ledger entry ${refund.entry.id}, "${refund.entry.description}")`, "generationId");
    }
    await tx
      .update(generations)
      .set({ refundedCredits: refund.entry.amount, errorMessage: refundMessage(isFailureCode(row.errorCode) ? row.errorCode : "INTERNAL_ERROR", refund.entry.amount) })
      .where(eq(generations.id, id));
    await recordAudit(tx, by, {
      action: "generation.refund",
      targetUserId: row.userId,
      targetGenerationId: id,
      before: { status: row.status, refundedCredits: row.refundedCredits },
      after: { refunded: refund.entry.amount, ledgerEntryId: refund.entry.id, balance: refund.entry.balanceAfter },
    });
    return { refunded: refund.entry.amount, entry: refund.entry };
  });
}

/**
 * The workflow's save step adds the avatar in a transaction that locks the generation row and
 * adds nothing once support cancelled it: a cancel either sees the avatar (and finishes the
 * generation instead) or comes first (and no avatar is ever added). Every column of the avatar
 * goes in, whatever columns the table grows.
 */
export async function insertAvatarUnlessCancelled(db: Database, v: typeof avatars.$inferInsert): Promise<"added" | "exists" | "cancelled"> {
  return db.transaction(async (tx) => {
    // The row lock orders this against a cancel of the same generation (it updates that row).
    const [g] = await tx
      .select({ status: generations.status, errorCode: generations.errorCode })
      .from(generations)
      .where(eq(generations.id, v.generationId))
      .for("update");
    if (!g || (g.status === "failed" && g.errorCode === "CANCELLED")) return "cancelled";
    const inserted = await tx.insert(avatars).values(v).onConflictDoNothing({ target: avatars.generationId }).returning({ id: avatars.id });
    return inserted.length > 0 ? "added" : "exists";
  });
}

/** Failed, charged, and no refund of that charge in the ledger: should never exist. */
export const failedNotRefunded = sql`(${generations.status} = 'failed' and ${generations.chargeEntryId} is not null and not exists (
  select 1 from ${creditLedger} r where r.refund_of = ${generations.chargeEntryId}))`;

async function mustFind(db: Database, id: string): Promise<Generation> {
  const [row] = await db.select().from(generations).where(eq(generations.id, id));
  if (!row) throw new NotFoundError("Generation");
  return row;
}

function refuseUnlessRunning(g: Generation) {
  if (!unfinished(g)) throw new BadInputError(`It is already ${g.status}: only a queued or running generation can be cancelled or re-driven`, "generationId");
}

async function hasAvatar(db: Database, generationId: string): Promise<boolean> {
  const [row] = await db.select({ id: avatars.id }).from(avatars).where(eq(avatars.generationId, generationId));
  return !!row;
}
