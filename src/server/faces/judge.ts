import { photoLabel, PhotoLabel } from "../photos/intake";
import {
  BORDERLINE_PERSON_BELOW,
  CUT_OFF_MESH_SHARE,
  DIFFERENT_PERSON_BELOW,
  MIN_BOX_SCORE,
  SIMILAR_SIZE_RATIO,
  SMALL_FACE_PX,
  SMALL_FACE_SHARE,
} from "./thresholds";

/**
 * The face check's decisions, as a plain function over what the models found: which photos are
 * refused (and why, in the user's words), which get warnings, and each photo's main face. No
 * models, no I/O: table-tested directly (test/faces/judge.test.ts).
 */

/** A box as fractions (0..1) of the photo, upright, so the studio can draw it on its preview. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FoundFace {
  box: FaceBox;
  /** Detector confidence, 0..1. */
  score: number;
  /** Share of the face mesh outside the photo. */
  outside: number;
  embedding: number[] | null;
}

export interface AnalysedPhoto {
  field: string;
  number: number;
  filename?: string;
  width: number;
  height: number;
  faces: FoundFace[];
}

export type RefusalReason = "no_face" | "several_people" | "different_person";
export type WarningReason = "other_people" | "small_face" | "cut_off" | "maybe_different_person";

export interface PhotoVerdict {
  field: string;
  number: number;
  width: number;
  height: number;
  /** The face used: the largest one. */
  face: FoundFace;
  /** Smaller faces seen and ignored. */
  others: FaceBox[];
  /** Mean cosine of this face with the other photos' faces; null for a single photo. */
  similarity: number | null;
  warnings: Array<{ reason: WarningReason; message: string }>;
}

export type Verdict =
  | { ok: true; photos: PhotoVerdict[] }
  | { ok: false; field: string; number: number; reason: RefusalReason; message: string };

type Named = { number: number; filename?: string };
const named = (p: Named) => ({ number: p.number, name: p.filename });

export const faceMessages = {
  noFace: (p: Named) => `We couldn't find a face in ${photoLabel(named(p))}`,
  severalPeople: (p: Named) => `${PhotoLabel(named(p))} shows more than one person — use photos of just you`,
  differentPerson: (p: Named, other: Named | null) =>
    `${PhotoLabel(named(p))} shows a different person than ${other ? `photo ${other.number}` : "your other photos"} — use photos of just you`,
  otherPeople: (p: Named) => `${PhotoLabel(named(p))} also shows other people; we used the largest face`,
  smallFace: (p: Named) => `${PhotoLabel(named(p))}: your face is small in the picture; a closer photo works better`,
  cutOff: (p: Named) => `${PhotoLabel(named(p))}: your face is cut off at the edge; a photo with your whole face works better`,
  maybeDifferent: (p: Named) => `${PhotoLabel(named(p))} may show a different person than your other photos; check that every photo is of you`,
};

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Side of a box in pixels of its photo (boxes are squares in practice; take the longer side). */
const sidePx = (box: FaceBox, p: { width: number; height: number }) => Math.max(box.width * p.width, box.height * p.height);

export function judgePhotos(photos: AnalysedPhoto[]): Verdict {
  const verdicts: PhotoVerdict[] = [];
  for (const photo of photos) {
    const faces = photo.faces.filter((f) => f.score >= MIN_BOX_SCORE).sort((a, b) => sidePx(b.box, photo) - sidePx(a.box, photo));
    const [main, ...others] = faces;
    if (!main) return refuse(photo, "no_face", faceMessages.noFace(photo));
    const mainSide = sidePx(main.box, photo);
    if (others.some((f) => sidePx(f.box, photo) >= SIMILAR_SIZE_RATIO * mainSide)) {
      return refuse(photo, "several_people", faceMessages.severalPeople(photo));
    }
    const warnings: PhotoVerdict["warnings"] = [];
    if (others.length > 0) warnings.push({ reason: "other_people", message: faceMessages.otherPeople(photo) });
    if (main.outside >= CUT_OFF_MESH_SHARE) warnings.push({ reason: "cut_off", message: faceMessages.cutOff(photo) });
    else if (mainSide < SMALL_FACE_PX || mainSide < SMALL_FACE_SHARE * Math.min(photo.width, photo.height)) {
      warnings.push({ reason: "small_face", message: faceMessages.smallFace(photo) });
    }
    verdicts.push({ field: photo.field, number: photo.number, width: photo.width, height: photo.height, face: main, others: others.map((f) => f.box), similarity: null, warnings });
  }
  return compareIdentities(verdicts, photos);
}

/**
 * Every pair of photos is compared. The least similar pair below DIFFERENT_PERSON_BELOW refuses
 * the photo of that pair that is least like all the rest (with two photos: the second one).
 * Otherwise a photo whose mean similarity is under BORDERLINE_PERSON_BELOW gets a warning.
 */
function compareIdentities(verdicts: PhotoVerdict[], photos: AnalysedPhoto[]): Verdict {
  const described = verdicts.filter((v) => v.face.embedding);
  if (described.length < 2) return { ok: true, photos: verdicts };
  const sim = described.map((a) => described.map((b) => cosine(a.face.embedding!, b.face.embedding!)));
  const mean = described.map((_, i) => average(sim[i]!.filter((_, j) => j !== i)));
  described.forEach((v, i) => (v.similarity = round3(mean[i]!)));

  let worst: { i: number; j: number; value: number } | null = null;
  for (let i = 0; i < described.length; i++) {
    for (let j = i + 1; j < described.length; j++) {
      const value = sim[i]![j]!;
      if (!worst || value < worst.value) worst = { i, j, value };
    }
  }
  if (worst && worst.value < DIFFERENT_PERSON_BELOW) {
    // Ties (always, with two photos) blame the later photo: the first one sets who "you" are.
    const odd = mean[worst.i]! < mean[worst.j]! ? worst.i : worst.j;
    const other = odd === worst.i ? worst.j : worst.i;
    const photo = photos.find((p) => p.field === described[odd]!.field)!;
    const otherPhoto = described.length === 2 ? photos.find((p) => p.field === described[other]!.field)! : null;
    return refuse(photo, "different_person", faceMessages.differentPerson(photo, otherPhoto));
  }
  described.forEach((v, i) => {
    if (mean[i]! < BORDERLINE_PERSON_BELOW && (described.length === 2 ? i === 1 : true)) {
      v.warnings.push({ reason: "maybe_different_person", message: faceMessages.maybeDifferent(photos.find((p) => p.field === v.field)!) });
    }
  });
  return { ok: true, photos: verdicts };
}

function refuse(photo: AnalysedPhoto, reason: RefusalReason, message: string): Verdict {
  return { ok: false, field: photo.field, number: photo.number, reason, message };
}

const average = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The mean of several embeddings (the inputs' identity, for the likeness score). */
export function meanEmbedding(embeddings: number[][]): number[] | null {
  const first = embeddings[0];
  if (!first) return null;
  const sum = new Array<number>(first.length).fill(0);
  for (const e of embeddings) for (let i = 0; i < sum.length; i++) sum[i]! += e[i]!;
  return sum.map((s) => s / embeddings.length);
}
