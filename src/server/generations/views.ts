import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { avatars, generations } from "../db/schema";
import { NotFoundError } from "../errors";
import { afterCursor, cursorTimestamp, PAGE_DEFAULT, toPage, type Page } from "../pagination";
import type { GenerationSettings } from "./settings";
import type { Generation } from "./store";

/** What callers see of generations and avatars: owned rows only, no storage keys or ledger ids. */

export function generationView(row: Generation) {
  const s = row.settings as unknown as GenerationSettings;
  return {
    id: row.id,
    projectId: row.projectId,
    name: s.name,
    /** Shared by the members of one batch submission; null for a single generation. */
    batchId: row.batchId ?? null,
    tier: row.tier,
    status: row.status,
    stage: row.stage,
    stageDetail: row.stageDetail,
    creditCost: row.creditCost,
    engine: row.engine,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    refundedCredits: row.refundedCredits,
    warnings: row.warnings,
    /** Face check per photo: boxes to draw on the previews, warnings by reason. */
    faces: row.faces,
    photoCount: row.photoCount,
    attempts: row.attempts,
    settings: settingsView(s),
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: row.completedAt ? row.completedAt.getTime() - row.createdAt.getTime() : null,
  };
}

export type GenerationView = ReturnType<typeof generationView>;

/** What the user asked for, as they may see it again (never the built prompts or model keys). */
export function settingsView(s: GenerationSettings) {
  return {
    prompt: s.prompt,
    negativePrompt: s.negativePrompt,
    personaName: s.personaName,
    personaAge: s.personaAge,
    gender: s.gender,
    ageRange: s.ageRange,
    ethnicity: s.ethnicity,
    style: s.style,
    styleNotes: s.styleNotes ?? null,
    styleStrength: s.styleStrength,
    seed: s.seed,
    width: s.width,
    height: s.height,
  };
}

export async function getOwnedGeneration(db: Database, userId: string, id: string): Promise<Generation> {
  const [row] = await db
    .select()
    .from(generations)
    .where(and(eq(generations.id, id), eq(generations.userId, userId)));
  if (!row) throw new NotFoundError("Generation");
  return row;
}

/** A page of the project's generations, newest first (keyset, src/server/pagination.ts). */
export async function listProjectGenerations(
  db: Database,
  userId: string,
  projectId: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<Page<GenerationView>> {
  const limit = options.limit ?? PAGE_DEFAULT;
  const rows = await db
    .select({ row: generations, cursorAt: cursorTimestamp(generations.createdAt) })
    .from(generations)
    .where(
      and(
        eq(generations.projectId, projectId),
        eq(generations.userId, userId),
        afterCursor(generations.createdAt, generations.id, options.cursor),
      ),
    )
    .orderBy(desc(generations.createdAt), desc(generations.id))
    .limit(limit + 1);
  return toPage(
    rows.map((r) => ({ ...r, id: r.row.id })),
    limit,
    (r) => generationView(r.row),
  );
}

/** The label every FLUX stand-in carries: it keeps no identity from the photos. */
export const NOT_IDENTITY_PRESERVING = "not identity-preserving";

/** Likeness (0–100, null when not measured) and whether the image keeps the person's identity. */
export function likenessView(avatar: Pick<typeof avatars.$inferSelect, "likeness" | "likenessStatus" | "identityPreserving">) {
  return {
    likeness: avatar.likeness,
    /** measured | no_face (the result shows no face) | unmeasured (face check off or unavailable) */
    likenessStatus: avatar.likenessStatus,
    identityPreserving: avatar.identityPreserving,
    identityLabel: avatar.identityPreserving ? null : NOT_IDENTITY_PRESERVING,
  };
}

export async function getOwnedAvatar(db: Database, userId: string, avatarId: string) {
  const [row] = await db
    .select()
    .from(avatars)
    .where(and(eq(avatars.id, avatarId), eq(avatars.userId, userId)));
  if (!row) throw new NotFoundError("Avatar");
  return row;
}
