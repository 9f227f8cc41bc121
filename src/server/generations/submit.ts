import { randomInt, randomUUID } from "node:crypto";
import { getPlan } from "../accounts";
import type { Database } from "../db/client";
import type { PhotoFaceRecord } from "../db/schema";
import { env } from "../env";
import { BadInputError } from "../errors";
import { faceRoomFor, startFaceCheck, type FaceRoom } from "../faces";
import { intakePhotos, type IncomingPhoto } from "../photos/intake";
import { buildPrompt, styleStrengthToRatio } from "../prompt";
import { getOwnedProject } from "../projects";
import { bestTierForPlan, planAllowsTier, TIER_MODELS, type Tier } from "../tiers";
import { planBatch, type BatchChoice } from "./batch";
import type { GenerationFields } from "./form";
import type { GenerationSettings } from "./settings";
import { startGeneration, startGenerations, type Generation, type StartDeps } from "./store";
import { getOwnedGeneration } from "./views";

/**
 * What submitting needs: the store's deps plus the face room. `faces` undefined = as FACE_CHECK
 * says in the process environment; null = no face check (photos go to the engine uncropped).
 */
export type SubmitDeps = StartDeps & { faces?: FaceRoom | null };

/**
 * A generation request, from validated fields to started jobs: ownership, tier against the
 * plan, the batch (one generation per style and/or seed, generations/batch.ts), photo intake and
 * face check once, prompt building per member, then charges + rows + events
 * (store.startGenerations). Everything that can refuse the request runs before any charge.
 */
export async function submitGeneration(
  deps: SubmitDeps,
  userId: string,
  request: { fields: GenerationFields; batch?: BatchChoice; photos: IncomingPhoto[] },
): Promise<{ generation: Generation; generations: Generation[]; replayed: boolean; warnings: string[]; faces: PhotoFaceRecord[] }> {
  const { fields } = request;
  const members = planBatch(request.batch ?? { styles: [], variations: 1 }, fields.seed);
  await getOwnedProject(deps.db, userId, fields.projectId);
  const tier = await chooseTier(deps.db, userId, fields.tier);
  const { photos, warnings, faces } = await acceptPhotos(deps, request.photos);
  const result = await startGenerations(deps, {
    userId,
    projectId: fields.projectId,
    tier,
    members: members.map((m) => buildSettings({ ...fields, style: m.style ?? fields.style, seed: m.seed }, tier)),
    photos,
    warnings,
    faces,
    idempotencyKey: fields.idempotencyKey ?? randomUUID(),
  });
  const generation = result.generations[0]!;
  return { generation, generations: result.generations, replayed: result.replayed, ...answer({ generation, replayed: result.replayed }, warnings, faces) };
}

/**
 * "Generate again": a new paid generation with the original's settings and seed. The photos are
 * sent again — nobody's photos are kept after their generation ends.
 */
export async function retryGeneration(
  deps: SubmitDeps,
  userId: string,
  request: { generationId: string; photos: IncomingPhoto[]; idempotencyKey?: string },
) {
  const original = await getOwnedGeneration(deps.db, userId, request.generationId);
  const tier = await chooseTier(deps.db, userId, original.tier);
  const { photos, warnings, faces } = await acceptPhotos(deps, request.photos);
  const result = await startGeneration(deps, {
    userId,
    projectId: original.projectId,
    tier,
    settings: original.settings as unknown as GenerationSettings,
    photos,
    warnings,
    faces,
    idempotencyKey: request.idempotencyKey ?? randomUUID(),
  });
  return { ...result, ...answer(result, warnings, faces) };
}

/** A replayed request answers with what the first one said. */
function answer(result: { generation: Generation; replayed: boolean }, warnings: string[], faces: PhotoFaceRecord[]) {
  return result.replayed ? { warnings: result.generation.warnings, faces: result.generation.faces } : { warnings, faces };
}

/**
 * Intake, then the face check: a refusal names the photo; the engine gets face-centred crops. The
 * two overlap: each photo's faces are looked for as soon as the intake has cleaned it.
 */
async function acceptPhotos(deps: SubmitDeps, incoming: IncomingPhoto[]) {
  const room = deps.faces === undefined ? faceRoomFor(env()) : deps.faces;
  const faceCheck = room ? startFaceCheck(room) : null;
  const intake = await intakePhotos(incoming, { onAccepted: faceCheck?.add });
  const intakeWarnings = [...intake.warnings, ...intake.photos.flatMap((p) => p.warnings)];
  if (!faceCheck) return { photos: intake.photos.map((p) => p.jpeg), warnings: intakeWarnings, faces: [] };
  const checked = await faceCheck.finish();
  return { photos: checked.crops, warnings: [...intakeWarnings, ...checked.warnings], faces: checked.records };
}

async function chooseTier(db: Database, userId: string, requested: Tier | undefined): Promise<Tier> {
  const plan = await getPlan(db, userId);
  if (!requested) return bestTierForPlan(plan);
  if (!planAllowsTier(plan, requested)) {
    throw new BadInputError(`Your ${plan} plan doesn't include the ${requested} tier`, "tier");
  }
  return requested;
}

/** Freezes every parameter, so a retry or "generate again" is the same request. */
type SettingsFields = Pick<GenerationFields, "name" | "prompt"> &
  Partial<Omit<GenerationFields, "projectId" | "idempotencyKey" | "tier" | "name" | "prompt">>;

export function buildSettings(fields: SettingsFields, tier: Tier): GenerationSettings {
  const model = TIER_MODELS[tier];
  const built = buildPrompt({
    prompt: fields.prompt,
    gender: fields.gender,
    personaName: fields.personaName,
    personaAge: fields.personaAge,
    ageRange: fields.ageRange,
    ethnicity: fields.ethnicity,
    style: fields.style,
    styleNotes: fields.styleNotes,
    negativePrompt: fields.negativePrompt,
  });
  const styleStrength = fields.styleStrength ?? model.styleStrength ?? 0.8;
  return {
    name: fields.name,
    tier,
    modelKey: model.key,
    prompt: fields.prompt,
    negativePrompt: fields.negativePrompt ?? null,
    personaName: fields.personaName ?? null,
    personaAge: fields.personaAge ?? null,
    gender: fields.gender ?? null,
    ageRange: fields.ageRange ?? null,
    ethnicity: fields.ethnicity ?? null,
    style: built.style,
    styleNotes: built.styleNotes,
    styleStrength,
    seed: fields.seed ?? randomInt(0, 2_147_483_647),
    builtPrompt: built.prompt,
    builtNegativePrompt: built.negativePrompt,
    fluxPrompt: built.fluxPrompt,
    styleStrengthRatio: styleStrengthToRatio(styleStrength),
    width: model.width,
    height: model.height,
    steps: model.steps,
    guidance: model.guidance,
  };
}
