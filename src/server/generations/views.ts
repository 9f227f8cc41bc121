import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { avatars, generations } from "../db/schema";
import { NotFoundError } from "../errors";
import { getOwnedProject } from "../projects";
import type { GenerationSettings } from "./settings";
import type { Generation } from "./store";

/** What callers see of generations and avatars: owned rows only, no storage keys or ledger ids. */

export function generationView(row: Generation) {
  const s = row.settings as unknown as GenerationSettings;
  return {
    id: row.id,
    projectId: row.projectId,
    name: s.name,
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
    settings: {
      prompt: s.prompt,
      negativePrompt: s.negativePrompt,
      personaName: s.personaName,
      personaAge: s.personaAge,
      gender: s.gender,
      ageRange: s.ageRange,
      ethnicity: s.ethnicity,
      style: s.style,
      styleStrength: s.styleStrength,
      seed: s.seed,
      width: s.width,
      height: s.height,
    },
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: row.completedAt ? row.completedAt.getTime() - row.createdAt.getTime() : null,
  };
}

export type GenerationView = ReturnType<typeof generationView>;

export async function getOwnedGeneration(db: Database, userId: string, id: string): Promise<Generation> {
  const [row] = await db
    .select()
    .from(generations)
    .where(and(eq(generations.id, id), eq(generations.userId, userId)));
  if (!row) throw new NotFoundError("Generation");
  return row;
}

export async function listProjectGenerations(db: Database, userId: string, projectId: string) {
  const rows = await db
    .select()
    .from(generations)
    .where(and(eq(generations.projectId, projectId), eq(generations.userId, userId)))
    .orderBy(desc(generations.createdAt))
    .limit(200);
  return rows.map(generationView);
}

/**
 * The gallery's tiles: what a tile shows, from one narrow query (the generation's name only, not
 * its settings, attempts or face boxes — the detail view fetches those with generation.get).
 * Ownership costs no extra query when there are avatars (each row is the caller's own); only an
 * empty list asks whether the project is theirs, so another user's project is NOT_FOUND.
 */
export async function listProjectAvatars(db: Database, userId: string, projectId: string) {
  const rows = await db
    .select({
      id: avatars.id,
      generationId: avatars.generationId,
      name: sql<string>`${generations.settings}->>'name'`,
      width: avatars.width,
      height: avatars.height,
      engine: avatars.engine,
      model: avatars.model,
      offlinePreview: avatars.offlinePreview,
      likeness: avatars.likeness,
      likenessStatus: avatars.likenessStatus,
      identityPreserving: avatars.identityPreserving,
      createdAt: avatars.createdAt,
    })
    .from(avatars)
    .innerJoin(generations, eq(generations.id, avatars.generationId))
    .where(and(eq(avatars.projectId, projectId), eq(avatars.userId, userId)))
    .orderBy(desc(avatars.createdAt));
  if (rows.length === 0) await getOwnedProject(db, userId, projectId);
  return rows.map((a) => ({
    id: a.id,
    generationId: a.generationId,
    name: a.name,
    width: a.width,
    height: a.height,
    engine: a.engine,
    model: a.model,
    offlinePreview: a.offlinePreview,
    ...likenessView(a),
    createdAt: a.createdAt,
    thumbnailUrl: `/api/images/${a.id}?size=thumb`,
    imageUrl: `/api/images/${a.id}?size=full`,
  }));
}

export type AvatarTile = Awaited<ReturnType<typeof listProjectAvatars>>[number];

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
