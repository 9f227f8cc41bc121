import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFaces, cosine, createFaceRoom, judgePhotos, mainFace, type FaceRoom, type FoundFace } from "~/server/faces";
import { BORDERLINE_PERSON_BELOW, DIFFERENT_PERSON_BELOW } from "~/server/faces/thresholds";
import { PhotoRejectedError, type AcceptedPhoto } from "~/server/photos/intake";
import {
  cutOffJpeg,
  dominantJpeg,
  noFaceJpeg,
  person0OtherPhoto,
  personJpeg,
  smallFaceJpeg,
  twoPeopleJpeg,
  twoWomenJpeg,
} from "../../scripts/make-face-fixtures";

/**
 * The decisions with the real models (one warm worker for the file) on fixtures made from the
 * face package's own samples: the thresholds in thresholds.ts hold on real faces.
 */
let room: FaceRoom;
const fixtures: Record<string, Buffer> = {};
const found: Record<string, { width: number; height: number; faces: FoundFace[] }> = {};

beforeAll(async () => {
  room = createFaceRoom();
  const make: Record<string, () => Promise<Buffer>> = {
    p0: () => personJpeg(0),
    p0mirrored: () => personJpeg(0, { mirrored: true, seed: 11 }),
    p0close: () => person0OtherPhoto("close"),
    p0suit: () => person0OtherPhoto("suit"),
    p1: () => personJpeg(1),
    p3: () => personJpeg(3),
    p5: () => personJpeg(5),
    twoPeople: twoPeopleJpeg,
    twoWomen: twoWomenJpeg,
    dominant: dominantJpeg,
    small: smallFaceJpeg,
    cutOff: cutOffJpeg,
    gradient: () => noFaceJpeg("gradient"),
    anime: () => noFaceJpeg("anime"),
    texture: () => noFaceJpeg("texture"),
  };
  for (const [name, build] of Object.entries(make)) fixtures[name] = await build();
  const analyses = await Promise.all(Object.values(fixtures).map((bytes) => room.analyze(bytes)));
  Object.keys(fixtures).forEach((name, i) => (found[name] = analyses[i]!));
}, 120_000);
afterAll(() => room?.close());

const photos = (...names: string[]) =>
  names.map((name, i) => ({ field: `photo${i}`, number: i + 1, filename: `${name}.jpg`, ...found[name]! }));
const embedding = (name: string) => mainFace(found[name]!.faces)!.embedding!;

type Row = { set: string[]; refused?: string; warnings?: string[] };
const rows: Row[] = [
  { set: ["p0"], warnings: [] },
  { set: ["p0", "gradient"], refused: "We couldn't find a face in photo 2 (gradient.jpg)" },
  { set: ["anime"], refused: "We couldn't find a face in photo 1 (anime.jpg)" },
  { set: ["texture"], refused: "We couldn't find a face in photo 1 (texture.jpg)" },
  { set: ["twoPeople"], refused: "Photo 1 (twoPeople.jpg) shows more than one person — use photos of just you" },
  { set: ["p0", "twoWomen"], refused: "Photo 2 (twoWomen.jpg) shows more than one person — use photos of just you" },
  { set: ["dominant"], warnings: ["other_people"] },
  { set: ["small"], warnings: ["small_face"] },
  { set: ["cutOff"], warnings: ["cut_off"] },
  { set: ["p0", "p0close", "p0mirrored"], warnings: [] },
  { set: ["p0", "p0close", "p0mirrored", "p1"], refused: "Photo 4 (p1.jpg) shows a different person than your other photos — use photos of just you" },
  { set: ["p0", "p3"], refused: "Photo 2 (p3.jpg) shows a different person than photo 1 — use photos of just you" },
  { set: ["p0", "p0suit"], warnings: ["maybe_different_person"] },
  { set: ["p0", "p5"], warnings: ["maybe_different_person"] },
];

describe("the face check on real faces", () => {
  it.each(rows)("$set", ({ set, refused, warnings }) => {
    const verdict = judgePhotos(photos(...set));
    if (refused) return expect(verdict).toMatchObject({ ok: false, message: refused });
    if (!verdict.ok) throw new Error(`refused: ${verdict.message}`);
    expect(verdict.photos.flatMap((p) => p.warnings.map((w) => w.reason))).toEqual(warnings);
  });

  it("keeps same-person cosines above the borderline and clear strangers under the refusal line", () => {
    const c = (a: string, b: string) => cosine(embedding(a), embedding(b));
    for (const [a, b] of [["p0", "p0mirrored"], ["p0", "p0close"], ["p0", "small"], ["p0", "cutOff"]] as const) {
      expect(c(a, b), `${a}~${b}`).toBeGreaterThanOrEqual(BORDERLINE_PERSON_BELOW);
    }
    for (const [a, b] of [["p0", "p1"], ["p0", "p3"], ["p1", "p5"], ["p3", "p5"]] as const) {
      expect(c(a, b), `${a}≠${b}`).toBeLessThan(DIFFERENT_PERSON_BELOW);
    }
  });

  it("sends face-centred square crops on, and refuses with PhotoRejectedError naming the field", async () => {
    const accepted = async (name: string, i: number): Promise<AcceptedPhoto> => {
      const meta = await sharp(fixtures[name]!).metadata();
      return { field: `photo${i}`, number: i + 1, jpeg: fixtures[name]!, width: meta.width!, height: meta.height!, warnings: [] };
    };
    const result = await checkFaces(room, [await accepted("small", 0)]);
    const crop = await sharp(result.crops[0]!).metadata();
    expect(crop.width).toBe(crop.height);
    expect(crop.width).toBeLessThan(1024 / 2);
    const again = mainFace((await room.analyze(result.crops[0]!)).faces)!;
    expect(again.box.x + again.box.width / 2).toBeCloseTo(0.5, 1);
    expect(again.box.width).toBeGreaterThan(0.3); // the face now fills a good part of the picture
    expect(result.records[0]).toMatchObject({ photo: 1, field: "photo0", warnings: ["small_face"], similarity: null });
    expect(result.warnings).toEqual(["Photo 1: your face is small in the picture; a closer photo works better"]);

    const refusal = await checkFaces(room, [await accepted("p0", 0), await accepted("gradient", 1)]).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PhotoRejectedError);
    expect(refusal).toMatchObject({ field: "photo1", message: "We couldn't find a face in photo 2" });
  });
});
