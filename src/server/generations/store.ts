import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { chargeCredits, refundCharge } from "../credits";
import type { Database } from "../db/client";
import { generations, type GenerationAttempt, type PhotoFaceRecord, type StageDetail } from "../db/schema";
import { FAILURES, refundMessage, type FailureCode } from "../failures";
import { TIER_MODELS, type Tier } from "../tiers";
import { storageKeys, type Storage } from "../storage";
import type { RunsReader } from "../jobs/runs";
import type { GenerationSettings } from "./settings";

/** The generation row's life: created with its charge, moved through stages, ended exactly once. */

export type Generation = typeof generations.$inferSelect;

export interface StartInput {
  userId: string;
  projectId: string;
  tier: Tier;
  settings: GenerationSettings;
  photos: Buffer[];
  warnings: string[];
  /** Face check results per photo (src/server/faces); none when the check is off. */
  faces?: PhotoFaceRecord[];
  idempotencyKey: string;
}

export interface StartDeps {
  db: Database;
  storage: Storage;
  /** Sends the Inngest event that starts the workflow. */
  sendEvent(generation: Generation): Promise<void>;
  /** Sends the event that cancels a generation's run (generate-avatar's `cancelOn`); absent where no workflow engine is connected. */
  sendCancel?(generationId: string): Promise<void>;
  /** Reads a generation's runs (the local executor's read API); absent on hosted Inngest. */
  runs?: RunsReader;
}

export class GenerationStartError extends Error {
  constructor(readonly creditsReturned: number, cause: unknown) {
    super(`We couldn't start the generation; your ${creditsReturned} credits were returned. Please try again.`, { cause });
    this.name = "GenerationStartError";
  }
}

/**
 * Charges the tier, creates the generation and records its input photos, in one transaction;
 * then sends the event. A repeated idempotency key returns the first generation and charges
 * nothing. If the event can't be sent the charge is refunded: never a charge without a run.
 */
export async function startGeneration(deps: StartDeps, input: StartInput): Promise<{ generation: Generation; replayed: boolean }> {
  // No read ahead for a repeated key: most keys are new, and the charge finds a repeat anyway.
  const id = randomUUID();
  const model = TIER_MODELS[input.tier];
  const inputKeys = input.photos.map(() => storageKeys.input(input.userId, id));
  await Promise.all(input.photos.map((bytes, i) => deps.storage.put(inputKeys[i]!, bytes)));

  let created: { generation: Generation; replayed: boolean };
  try {
    created = await deps.db.transaction(async (tx) => {
      const charge = await chargeCredits(tx, {
        userId: input.userId,
        amount: model.creditCost,
        description: `${capitalize(input.tier)} avatar generation`,
        idempotencyKey: `generation:${input.idempotencyKey}`,
        referenceType: "generation",
        referenceId: id,
      });
      if (charge.replayed) {
        const first = await findByIdempotencyKey(tx as unknown as Database, input.userId, input.idempotencyKey);
        if (first) return { generation: first, replayed: true };
      }
      const [row] = await tx
        .insert(generations)
        .values({
          id,
          userId: input.userId,
          projectId: input.projectId,
          modelKey: model.key,
          tier: input.tier,
          creditCost: model.creditCost,
          idempotencyKey: input.idempotencyKey,
          chargeEntryId: charge.entry.id,
          settings: input.settings as unknown as Record<string, unknown>,
          inputKeys,
          photoCount: input.photos.length,
          warnings: input.warnings,
          faces: input.faces ?? [],
        })
        .returning();
      return { generation: row!, replayed: false };
    });
  } catch (error) {
    await deps.storage.deletePrefix(storageKeys.inputsOf(input.userId, id));
    throw error;
  }
  if (created.replayed) {
    await deps.storage.deletePrefix(storageKeys.inputsOf(input.userId, id));
    return created;
  }

  try {
    await deps.sendEvent(created.generation);
  } catch (error) {
    await failGeneration(deps, created.generation.id, "START_FAILED");
    throw new GenerationStartError(created.generation.creditCost, error);
  }
  return created;
}

export async function getGeneration(db: Database, id: string): Promise<Generation | undefined> {
  const [row] = await db.select().from(generations).where(eq(generations.id, id));
  return row;
}

async function findByIdempotencyKey(db: Database, userId: string, key: string) {
  const [row] = await db
    .select()
    .from(generations)
    .where(and(eq(generations.userId, userId), eq(generations.idempotencyKey, key)));
  return row;
}

/** Moves a running generation to a stage and returns it; a finished one is never reopened (undefined). */
export async function setStage(db: Database, id: string, stage: Generation["stage"], detail: StageDetail = {}): Promise<Generation | undefined> {
  const [row] = await db
    .update(generations)
    .set({
      stage,
      stageDetail: detail,
      status: "processing",
      startedAt: sql`coalesce(${generations.startedAt}, now())`,
    })
    .where(and(eq(generations.id, id), sql`${generations.status} in ('queued', 'processing')`))
    .returning();
  return row;
}

/**
 * Appends an engine attempt and its step timing (one statement: it runs once per attempt), and
 * answers whether it was cancelled meanwhile (by support, or with its account).
 */
export async function recordAttempt(db: Database, id: string, attempt: GenerationAttempt, timing: { step: string; ms: number }): Promise<{ cancelled: boolean }> {
  const [row] = await db
    .update(generations)
    .set({
      attempts: sql`${generations.attempts} || ${JSON.stringify([attempt])}::jsonb`,
      stepTimings: sql`${generations.stepTimings} || ${JSON.stringify({ [timing.step]: Math.round(timing.ms) })}::jsonb`,
    })
    .where(eq(generations.id, id))
    .returning({ status: generations.status, errorCode: generations.errorCode });
  // No row: the account was deleted meanwhile (its generations with it).
  return { cancelled: !row || (row.status === "failed" && row.errorCode === "CANCELLED") };
}

/** Puts the wait before the next attempt on the latest attempt. */
export async function noteRetryDelay(db: Database, id: string, delayMs: number) {
  await db
    .update(generations)
    .set({
      attempts: sql`jsonb_set(${generations.attempts}, array[(jsonb_array_length(${generations.attempts}) - 1)::text, 'retryDelayMs'], to_jsonb(${delayMs}::int))`,
    })
    .where(eq(generations.id, id));
}

/** Adds steps' timings (ms) in one statement. */
export async function recordStepTimings(db: Database, id: string, timings: Record<string, number>) {
  const rounded = Object.fromEntries(Object.entries(timings).map(([step, ms]) => [step, Math.round(ms)]));
  await db
    .update(generations)
    .set({ stepTimings: sql`${generations.stepTimings} || ${JSON.stringify(rounded)}::jsonb` })
    .where(eq(generations.id, id));
}

/**
 * Deletes the input photos, then marks success (once): "succeeded" means the photos are gone.
 * `owner`: the generation's user when the caller has it (their photos' folder), saving a read.
 */
export async function completeGeneration(deps: { db: Database; storage: Storage }, id: string, engine: Generation["engine"], owner?: string) {
  const userId = owner ?? (await getGeneration(deps.db, id))?.userId;
  if (userId) await deleteInputs(deps.storage, { userId, id });
  const [row] = await deps.db
    .update(generations)
    .set({ status: "succeeded", stage: "succeeded", stageDetail: {}, engine, completedAt: new Date(), inputKeys: [] })
    .where(and(eq(generations.id, id), sql`${generations.status} <> 'failed'`))
    .returning();
  return row;
}

/**
 * Ends a generation as failed: refunds its charge (at most once, enforced by the ledger), records
 * the code and the user's message, deletes the input photos. Safe to call again: the first
 * failure's code and message stay.
 */
export async function failGeneration(
  deps: { db: Database; storage: Storage },
  id: string,
  code: FailureCode,
): Promise<Generation | undefined> {
  const current = await getGeneration(deps.db, id);
  if (!current) return undefined;
  if (current.status === "succeeded") return current;
  let refunded = current.refundedCredits ?? 0;
  if (current.chargeEntryId !== null) {
    const refund = await refundCharge(deps.db, {
      chargeId: current.chargeEntryId,
      reason: `Refund: ${FAILURES[code].finalMessage ?? FAILURES[code].userMessage}`,
      referenceType: "generation",
      referenceId: id,
    });
    refunded = refund.entry.amount;
  }
  // Photos first: once the row says "failed", nothing of the user's input is left.
  await deleteInputs(deps.storage, current);
  const alreadyFailed = current.status === "failed";
  const [row] = await deps.db
    .update(generations)
    .set({
      status: "failed",
      stage: "failed",
      stageDetail: {},
      errorCode: alreadyFailed ? current.errorCode : code,
      errorMessage: alreadyFailed ? current.errorMessage : refundMessage(code, refunded),
      refundedCredits: refunded,
      completedAt: current.completedAt ?? new Date(),
      inputKeys: [],
    })
    .where(eq(generations.id, id))
    .returning();
  return row;
}

async function deleteInputs(storage: Storage, generation: Pick<Generation, "userId" | "id">) {
  await storage.deletePrefix(storageKeys.inputsOf(generation.userId, generation.id));
  await storage.deletePrefix(storageKeys.workOf(generation.userId, generation.id));
}

function capitalize(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
