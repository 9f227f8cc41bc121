import type { PhotoFaceRecord } from "../db/schema";
import { logger } from "../logger";
import { PhotoRejectedError, type AcceptedPhoto } from "../photos/intake";
import { cropToFace } from "./crop";
import { judgePhotos, type AnalysedPhoto } from "./judge";
import { countFaceCheck } from "./metrics";
import type { FaceRoom, PhotoAnalysis } from "./room";

/**
 * The face check at upload, alongside the intake and before any charge: analyse every photo in
 * the worker, judge them together (judge.ts), then cut each photo down to its face. A refusal is a
 * PhotoRejectedError naming the photo, so nothing is charged and the studio marks that preview.
 */
export interface FaceCheckResult {
  /** Face-centred crops, in photo order: what the engine gets. */
  crops: Buffer[];
  /** One line per warning, naming the photo. */
  warnings: string[];
  /** Boxes, crops and similarities per photo, for the generation row and the studio. */
  records: PhotoFaceRecord[];
  /** Time spent, ms, from the start of the check (analysis of all photos + crops). */
  ms: number;
}

/**
 * A face check under way: each photo goes to the worker as soon as the intake hands it over, so
 * the models run on one photo while sharp cleans the next (src/server/generations/submit.ts);
 * `finish` then judges them together. Start it, `add` each accepted photo in order, `finish`.
 */
export function startFaceCheck(room: FaceRoom) {
  const started = performance.now();
  const photos: AcceptedPhoto[] = [];
  const analyses: Array<Promise<PhotoAnalysis>> = [];
  return {
    add(photo: AcceptedPhoto): void {
      const analysis = room.analyze(photo.jpeg);
      // Read in finish(); if the intake refuses a later photo first, nobody will: not an unhandled rejection.
      analysis.catch(() => {});
      photos.push(photo);
      analyses.push(analysis);
    },
    async finish(): Promise<FaceCheckResult> {
      return judgeAndCrop(photos, await Promise.all(analyses), started);
    },
  };
}

/** The face check of photos already through the intake. */
export async function checkFaces(room: FaceRoom, photos: AcceptedPhoto[]): Promise<FaceCheckResult> {
  const check = startFaceCheck(room);
  for (const photo of photos) check.add(photo);
  return check.finish();
}

async function judgeAndCrop(photos: AcceptedPhoto[], analyses: PhotoAnalysis[], started: number): Promise<FaceCheckResult> {
  const analysed: AnalysedPhoto[] = photos.map((p, i) => ({
    field: p.field,
    number: p.number,
    filename: p.filename,
    width: p.width,
    height: p.height,
    faces: analyses[i]!.faces,
  }));
  const verdict = judgePhotos(analysed);
  if (!verdict.ok) {
    countFaceCheck("refused", verdict.reason);
    logger.info({ reason: verdict.reason, photo: verdict.number }, "face check refused a photo");
    throw new PhotoRejectedError(verdict.message, verdict.field);
  }

  const cut = await Promise.all(verdict.photos.map((v, i) => cropToFace(photos[i]!.jpeg, photos[i]!.width, photos[i]!.height, v.face.box)));
  const crops = cut.map((c) => c.jpeg);
  const records: PhotoFaceRecord[] = [];
  const warnings: string[] = [];
  for (const [i, v] of verdict.photos.entries()) {
    const crop = cut[i]!;
    for (const w of v.warnings) {
      countFaceCheck("warned", w.reason);
      warnings.push(w.message);
    }
    records.push({
      photo: v.number,
      field: v.field,
      width: v.width,
      height: v.height,
      box: v.face.box,
      score: v.face.score,
      others: v.others,
      crop: crop.region,
      similarity: v.similarity,
      warnings: v.warnings.map((w) => w.reason),
    });
  }
  return { crops, warnings, records, ms: Math.round(performance.now() - started) };
}
