import { cosine, meanEmbedding, type FoundFace } from "./judge";
import type { FaceRoom } from "./room";
import { MIN_BOX_SCORE } from "./thresholds";

/**
 * The likeness score of a finished avatar: the cosine between the result's face and the mean of
 * the input faces, × 100, rounded (so 65 reads like the check's 0.65 borderline). A result with
 * no face is recorded as such, never as 0.
 */
export type Likeness =
  | { status: "measured"; likeness: number }
  | { status: "no_face"; likeness: null }
  | { status: "unmeasured"; likeness: null };

/** The face a photo is about: the largest confident one. */
export function mainFace(faces: FoundFace[]): FoundFace | undefined {
  return faces.filter((f) => f.score >= MIN_BOX_SCORE).sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
}

export function likenessOf(result: number[], inputs: number[][]): number | null {
  const identity = meanEmbedding(inputs);
  if (!identity) return null;
  return Math.round(100 * Math.min(1, Math.max(0, cosine(result, identity))));
}

/** `inputs` are read only when the result has a face to compare. */
export async function measureLikeness(room: FaceRoom, result: Buffer, inputs: () => Promise<Buffer[]>): Promise<Likeness> {
  const face = mainFace((await room.analyze(result)).faces);
  if (!face) return { status: "no_face", likeness: null };
  if (!face.embedding) return { status: "unmeasured", likeness: null };
  const embeddings: number[][] = [];
  for (const input of await inputs()) {
    const e = mainFace((await room.analyze(input)).faces)?.embedding;
    if (e) embeddings.push(e);
  }
  const likeness = likenessOf(face.embedding, embeddings);
  return likeness === null ? { status: "unmeasured", likeness: null } : { status: "measured", likeness };
}
