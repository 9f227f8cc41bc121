import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { chargeCredits, InsufficientCreditsError, refundCharge } from "../credits";
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
  const { settings, ...rest } = input;
  const result = await startGenerations(deps, { ...rest, members: [settings] });
  return { generation: result.generations[0]!, replayed: result.replayed };
}

export type BatchStartInput = Omit<StartInput, "settings"> & {
  /** One generation per entry (generations/batch.ts): each its own row, charge, event and refund. */
  members: GenerationSettings[];
};

/**
 * A batch's generations, all or none: every member's charge and row in one transaction (the
 * balance must cover them all), each member with its own charge entry so that each is refunded
 * on its own. The request's idempotency key covers the whole batch: member 0 carries it, member i
 * carries `key#i`, and a repeated key answers with the first batch, charging nothing. Then one
 * event per member; a member whose event can't be sent is failed and refunded alone, the others
 * run (GenerationStartError only when none could start).
 */
export async function startGenerations(deps: StartDeps, input: BatchStartInput): Promise<{ generations: Generation[]; replayed: boolean }> {
  const count = input.members.length;
  const batchId = count > 1 ? randomUUID() : null;
  const planned = input.members.map((settings, i) => {
    const id = randomUUID();
    return {
      id,
      settings,
      tier: settings.tier ?? input.tier,
      idempotencyKey: i === 0 ? input.idempotencyKey : `${input.idempotencyKey}#${i}`,
      inputKeys: input.photos.map(() => storageKeys.input(input.userId, id)),
    };
  });
  // Each member keeps its own copy of the photos: each run deletes its own when it ends.
  await Promise.all(planned.flatMap((m) => input.photos.map((bytes, i) => deps.storage.put(m.inputKeys[i]!, bytes))));
  const dropInputs = () => Promise.all(planned.map((m) => deps.storage.deletePrefix(storageKeys.inputsOf(input.userId, m.id))));

  let created: { generations: Generation[]; replayed: boolean };
  try {
    created = await deps.db.transaction(async (tx) => {
      const rows: Generation[] = [];
      let charged = 0;
      for (const [i, m] of planned.entries()) {
        const model = TIER_MODELS[m.tier];
        let charge: Awaited<ReturnType<typeof chargeCredits>>;
        try {
          charge = await chargeCredits(tx, {
            userId: input.userId,
            amount: model.creditCost,
            description: `${capitalize(m.tier)} avatar generation${count > 1 ? ` (${i + 1} of ${count})` : ""}`,
            idempotencyKey: `generation:${m.idempotencyKey}`,
            referenceType: "generation",
            referenceId: m.id,
          });
        } catch (error) {
          // Say what the whole batch costs against the balance before it, not the member's share.
          if (error instanceof InsufficientCreditsError && count > 1) {
            throw new InsufficientCreditsError(planned.reduce((sum, p) => sum + TIER_MODELS[p.tier].creditCost, 0), error.balance + charged);
          }
          throw error;
        }
        if (charge.replayed) {
          // The first member's key was seen: the whole batch was, in one transaction.
          const first = await findBatchByIdempotencyKey(tx as unknown as Database, input.userId, input.idempotencyKey);
          if (first.length > 0) return { generations: first, replayed: true };
        }
        charged += model.creditCost;
        const [row] = await tx
          .insert(generations)
          .values({
            id: m.id,
            userId: input.userId,
            projectId: input.projectId,
            modelKey: model.key,
            tier: m.tier,
            creditCost: model.creditCost,
            idempotencyKey: m.idempotencyKey,
            batchId,
            chargeEntryId: charge.entry.id,
            settings: m.settings as unknown as Record<string, unknown>,
            inputKeys: m.inputKeys,
            photoCount: input.photos.length,
            warnings: input.warnings,
            faces: input.faces ?? [],
          })
          .returning();
        rows.push(row!);
      }
      return { generations: rows, replayed: false };
    });
  } catch (error) {
    await dropInputs();
    throw error;
  }
  if (created.replayed) {
    await dropInputs();
    return created;
  }

  const sent = await Promise.all(
    created.generations.map(async (generation) => {
      try {
        await deps.sendEvent(generation);
        return { generation, error: null };
      } catch (error) {
        return { generation: (await failGeneration(deps, generation.id, "START_FAILED")) ?? generation, error };
      }
    }),
  );
  const failed = sent.filter((s) => s.error !== null);
  if (failed.length === sent.length) {
    throw new GenerationStartError(failed.reduce((sum, s) => sum + s.generation.creditCost, 0), failed[0]!.error);
  }
  return { generations: sent.map((s) => s.generation), replayed: false };
}

export async function getGeneration(db: Database, id: string): Promise<Generation | undefined> {
  const [row] = await db.select().from(generations).where(eq(generations.id, id));
  return row;
}

/** The generation a key started, with the rest of its batch (in the order they were made). */
async function findBatchByIdempotencyKey(db: Database, userId: string, key: string): Promise<Generation[]> {
  const [first] = await db
    .select()
    .from(generations)
    .where(and(eq(generations.userId, userId), eq(generations.idempotencyKey, key)));
  if (!first) return [];
  if (!first.batchId) return [first];
  const members = await db
    .select()
    .from(generations)
    .where(and(eq(generations.userId, userId), eq(generations.batchId, first.batchId)));
  const index = (g: Generation) => (g.idempotencyKey === key ? 0 : Number(g.idempotencyKey.slice(key.length + 1)));
  return members.sort((a, b) => index(a) - index(b));
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
