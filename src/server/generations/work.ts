import { randomUUID } from "node:crypto";
import sharp from "sharp";
import type { Database } from "../db/client";
import { avatars, type GenerationAttempt } from "../db/schema";
import type { Engine, EngineProgress, GenerationInput } from "../engines/types";
import { env } from "../env";
import { faceRoomFor, measureLikeness, type FaceRoom, type Likeness } from "../faces";
import { FAILURES, GenerationFailure, type FailureCode } from "../failures";
import type { Logger } from "../logger";
import { storageKeys, type Storage } from "../storage";
import { engineInputFrom, type GenerationSettings } from "./settings";
import { insertAvatarUnlessCancelled } from "./interventions";
import { getGeneration, noteRetryDelay, recordAttempt, recordStepTimings, setStage, type Generation } from "./store";

/**
 * The bodies of the workflow's steps, as plain functions over plain deps. Each returns JSON-safe
 * data (the engine's image goes to storage, its key travels between steps).
 */
export interface WorkflowDeps {
  db: Database;
  storage: Storage;
  engine: Engine;
  logger: Logger;
  /** Measures likeness on save; undefined = as FACE_CHECK says, null = not measured. */
  faces?: FaceRoom | null;
}

export type EngineOutcome =
  | {
      ok: true;
      resultKey: string;
      engine: "photomaker" | "flux" | "offline";
      model: string;
      offlinePreview: boolean;
      /** Which call made it: a FLUX stand-in (even the offline engine's) keeps no identity. */
      via?: "photomaker" | "flux";
      // Absent in outcomes memoised before they were kept:
      provider?: string;
      version?: string | null;
      predictionId?: string | null;
      modelWidth?: number;
      modelHeight?: number;
    }
  | { ok: false; code: FailureCode; message: string; retryAfterMs: number | null };

const THUMBNAIL_SIZE = 256;

/** The stage's reason while a provider's model is still booting (Replicate's `starting`). */
export const MODEL_STARTING_MESSAGE = "The model is starting (a cold start can take a few minutes)";

/** Step 1: the generation is still to be made and its photos are all there. */
export async function loadInputs(deps: WorkflowDeps, id: string) {
  // One statement: the stage is set only while the generation is still to be made.
  const generation = await setStage(deps.db, id, "generating");
  if (!generation) {
    const ended = await getGeneration(deps.db, id);
    return { runnable: false as const, reason: ended ? `already ${ended.status}` : "not found" };
  }
  const missing: string[] = [];
  for (const key of generation.inputKeys) if (!(await deps.storage.has(key))) missing.push(key);
  return { runnable: true as const, photoCount: generation.inputKeys.length, missing: missing.length };
}

/** One call to an engine, classified: a known failure comes back as data for the retry policy. */
export async function runEngineAttempt(
  deps: WorkflowDeps,
  id: string,
  which: "photomaker" | "flux",
  attempt: number,
): Promise<EngineOutcome> {
  const generation = await mustGet(deps.db, id);
  const log = deps.logger.child({ generationId: id, step: which, attempt, engine: deps.engine.name });
  const started = Date.now();
  let outcome: EngineOutcome;
  let ran: Pick<GenerationAttempt, "version" | "predictionId"> & { model?: string } = {};
  let httpStatus: number | null = null;
  const progress = stageFollower(deps.db, id);
  try {
    const input = await engineInput(deps.storage, generation);
    const call = { onProgress: progress.report };
    const image = which === "photomaker" ? await deps.engine.photomaker(input, call) : await deps.engine.flux(input, call);
    const resultKey = storageKeys.result(generation.userId, id, `${which}-${attempt}`);
    await deps.storage.put(resultKey, image.bytes);
    outcome = {
      ok: true,
      resultKey,
      engine: image.engine,
      model: image.model,
      offlinePreview: image.offlinePreview,
      via: which,
      provider: image.provider,
      version: image.version,
      predictionId: image.predictionId,
      modelWidth: image.modelWidth,
      modelHeight: image.modelHeight,
    };
    ran = { model: image.model, version: image.version, predictionId: image.predictionId };
    log.info({ ms: Date.now() - started, predictionId: image.predictionId ?? undefined }, "engine answered with an image");
  } catch (error) {
    if (!(error instanceof GenerationFailure)) throw error; // unexpected: let Inngest retry the step
    outcome = { ok: false, code: error.code, message: error.message, retryAfterMs: error.retryAfterMs ?? null };
    ran = { predictionId: error.predictionId ?? null };
    httpStatus = error.status ?? null;
    log.warn({ code: error.code, status: error.status, detail: error.detail, ms: Date.now() - started }, "engine failed");
  } finally {
    await progress.settled();
  }
  const ms = Date.now() - started;
  const record: GenerationAttempt = {
    engine: which,
    attempt,
    startedAt: new Date(started).toISOString(),
    durationMs: ms,
    errorCode: outcome.ok ? null : outcome.code,
    httpStatus,
    retryDelayMs: null,
    provider: deps.engine.name,
    model: ran.model ?? deps.engine.models[which].model,
    version: ran.version ?? null,
    predictionId: ran.predictionId ?? null,
  };
  const { cancelled } = await recordAttempt(deps.db, id, record, { step: `${which}-${attempt}`, ms });
  // Support cancelled it while the engine worked (its run is cancelled too): the image is nobody's.
  if (cancelled && outcome.ok) await deps.storage.delete(outcome.resultKey);
  return outcome;
}

/**
 * Follows a long engine call's progress into the stage: "the model is starting" while the provider
 * boots it, plain "generating" once it runs. One write per change, in order.
 */
function stageFollower(db: Database, id: string) {
  let last: EngineProgress["status"] | null = null;
  let writes = Promise.resolve();
  return {
    report(progress: EngineProgress) {
      if (progress.status === last) return;
      const first = last === null;
      last = progress.status;
      if (first && progress.status === "processing") return; // already "generating"
      const detail = progress.status === "starting" ? { reason: MODEL_STARTING_MESSAGE } : {};
      writes = writes.then(() => setStage(db, id, "generating", detail)).then(
        () => undefined,
        () => undefined, // the stage is a courtesy: the attempt's outcome does not depend on it
      );
    },
    settled: () => writes,
  };
}

/** Shown while the workflow waits: why, and when the next try is. */
export async function noteRetry(deps: WorkflowDeps, id: string, code: FailureCode, delayMs: number) {
  deps.logger.info({ generationId: id, code, delayMs }, "retrying after a pause");
  await noteRetryDelay(deps.db, id, delayMs);
  await setStage(deps.db, id, "retrying", {
    reason: FAILURES[code].userMessage,
    nextAttemptAt: new Date(Date.now() + delayMs).toISOString(),
  });
}

export async function noteFallback(deps: WorkflowDeps, id: string, code: FailureCode) {
  deps.logger.info({ generationId: id, code }, "falling back to FLUX");
  await setStage(deps.db, id, "falling_back", { reason: FAILURES[code].userMessage });
}

/** Checks the bytes really are an image, stores it with a WebP thumbnail, and adds the avatar (once). */
export async function saveAvatar(deps: WorkflowDeps, id: string, outcome: Extract<EngineOutcome, { ok: true }>) {
  const started = Date.now();
  // A generation that ended meanwhile (refunded by the stuck sweep) still gets its avatar saved.
  const generation = (await setStage(deps.db, id, "saving")) ?? (await mustGet(deps.db, id));
  const bytes = await deps.storage.get(outcome.resultKey);
  if (!bytes) throw new Error(`Engine result ${outcome.resultKey} is missing`);
  const meta = await sharp(bytes).metadata().catch(() => null);
  if (!meta?.format || !meta.width || !meta.height || !["png", "jpeg", "webp"].includes(meta.format)) {
    return { saved: false as const, code: "BAD_OUTPUT" as const };
  }
  const avatarId = randomUUID();
  const ext = meta.format === "jpeg" ? "jpg" : meta.format;
  const imageKey = storageKeys.avatarFull(generation.userId, avatarId, ext);
  const thumbnailKey = storageKeys.avatarThumb(generation.userId, avatarId);
  // The face models run in their own thread: the thumbnail and the files are made meanwhile.
  const measuring = likenessOfResult(deps, generation, bytes);
  const thumbnail = await sharp(bytes).resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "cover" }).webp({ quality: 80 }).toBuffer();
  await deps.storage.put(imageKey, bytes);
  await deps.storage.put(thumbnailKey, thumbnail);
  const likeness = await measuring;
  const added = await insertAvatarUnlessCancelled(deps.db, {
    id: avatarId,
    generationId: id,
    userId: generation.userId,
    projectId: generation.projectId,
    imageKey,
    thumbnailKey,
    width: meta.width,
    height: meta.height,
    engine: outcome.engine,
    model: outcome.model,
    provider: outcome.provider ?? null,
    modelVersion: outcome.version ?? null,
    predictionId: outcome.predictionId ?? null,
    modelWidth: outcome.modelWidth ?? meta.width,
    modelHeight: outcome.modelHeight ?? meta.height,
    offlinePreview: outcome.offlinePreview,
    // Outcomes memoised before `via` existed: FLUX results are keyed "flux-<attempt>".
    identityPreserving: (outcome.via ?? (outcome.resultKey.includes("/flux-") ? "flux" : "photomaker")) === "photomaker",
    likeness: likeness.likeness,
    likenessStatus: likeness.status,
  });
  if (added !== "added") {
    // A previous run of this step already saved it (the process died before it was memoised),
    // or support cancelled the generation meanwhile: these files belong to nobody.
    await deps.storage.delete(imageKey);
    await deps.storage.delete(thumbnailKey);
    if (added === "cancelled") {
      await deps.storage.delete(outcome.resultKey);
      return { saved: false as const, code: "CANCELLED" as const };
    }
  }
  // The likeness's own time is kept beside the whole step's (which includes it).
  const measured: Record<string, number> = likeness.ms === null ? {} : { likeness: likeness.ms };
  await recordStepTimings(deps.db, id, { ...measured, save: Date.now() - started });
  return { saved: true as const, owner: generation.userId };
}

/**
 * The result's face against the inputs' (the face-centred crops, still stored until the run
 * ends). A face room that can't answer leaves the avatar "unmeasured" rather than failing it.
 */
async function likenessOfResult(deps: WorkflowDeps, generation: Generation, result: Buffer): Promise<Likeness & { ms: number | null }> {
  const room = deps.faces === undefined ? faceRoomFor(env()) : deps.faces;
  if (!room) return { status: "unmeasured", likeness: null, ms: null };
  const started = Date.now();
  try {
    return { ...(await measureLikeness(room, result, () => readInputs(deps.storage, generation))), ms: Date.now() - started };
  } catch (error) {
    deps.logger.warn({ generationId: generation.id, err: error }, "likeness not measured");
    return { status: "unmeasured", likeness: null, ms: null };
  }
}

async function engineInput(storage: Storage, generation: Generation): Promise<GenerationInput> {
  const settings = generation.settings as unknown as GenerationSettings;
  const photos = await readInputs(storage, generation);
  if (photos.length === 0) throw new Error(`The input photos of generation ${generation.id} are gone`);
  return engineInputFrom(settings, photos);
}

/** The input photos still stored (a missing one is skipped). */
async function readInputs(storage: Storage, generation: Generation): Promise<Buffer[]> {
  const photos: Buffer[] = [];
  for (const key of generation.inputKeys) {
    const bytes = await storage.get(key);
    if (bytes) photos.push(bytes);
  }
  return photos;
}

async function mustGet(db: Database, id: string): Promise<Generation> {
  const generation = await getGeneration(db, id);
  if (!generation) throw new Error(`Generation ${id} not found`);
  return generation;
}
