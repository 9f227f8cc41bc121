import { describe, expect, it } from "vitest";
import { cropRegion } from "~/server/faces/crop";
import { cosine, judgePhotos, type AnalysedPhoto, type FoundFace } from "~/server/faces/judge";
import { likenessOf } from "~/server/faces/likeness";
import {
  BORDERLINE_PERSON_BELOW,
  CUT_OFF_MESH_SHARE,
  DIFFERENT_PERSON_BELOW,
  MIN_BOX_SCORE,
  SIMILAR_SIZE_RATIO,
  SMALL_FACE_PX,
  SMALL_FACE_SHARE,
} from "~/server/faces/thresholds";

/**
 * Every decision of the face check as a table over plain data (no models). Embeddings are built
 * so cosines are exact: photo i = a·u + b·vᵢ with u, vᵢ orthonormal, so two such photos have
 * cosine a²; an "other" photo c·u + d·w has cosine a·c with each of them.
 */
const DIM = 16;
const unit = (i: number) => Array.from({ length: DIM }, (_, k) => (k === i ? 1 : 0));
const mix = (a: number, i: number) => unit(0).map((x, k) => a * x + Math.sqrt(1 - a * a) * unit(i)[k]!);
/** An embedding with cosine `same` to the others made with the same `same` (0.8 → a = √0.8). */
const me = (n: number, same = 0.8) => mix(Math.sqrt(same), n);
/** Cosine `c` with every me(n, same) photo. */
const other = (c: number, same = 0.8) => mix(c / Math.sqrt(same), 15);
/** A second person: cosine 0.8 with each other, 0 with me(). */
const someoneElse = (n: number) => unit(15).map((x, k) => Math.sqrt(0.8) * x + Math.sqrt(0.2) * unit(n)[k]!);

const face = (over: Partial<FoundFace> = {}): FoundFace => ({
  box: { x: 0.3, y: 0.25, width: 0.4, height: 0.3 },
  score: 0.95,
  outside: 0,
  embedding: me(1),
  ...over,
});
const photo = (number: number, faces: FoundFace[], over: Partial<AnalysedPhoto> = {}): AnalysedPhoto => ({
  field: `photo${number - 1}`,
  number,
  width: 768,
  height: 1024,
  faces,
  ...over,
});

type Row = { name: string; photos: AnalysedPhoto[]; refused?: { field: string; reason: string; message: string }; warnings?: string[][] };

const rows: Row[] = [
  { name: "one clear face", photos: [photo(1, [face()])], warnings: [[]] },
  {
    name: "no face",
    photos: [photo(1, [face()]), photo(2, [])],
    refused: { field: "photo1", reason: "no_face", message: "We couldn't find a face in photo 2" },
  },
  {
    name: `a detection under box score ${MIN_BOX_SCORE} is no face`,
    photos: [photo(1, [face({ score: MIN_BOX_SCORE - 0.01 })], { filename: "beach.jpg" })],
    refused: { field: "photo0", reason: "no_face", message: "We couldn't find a face in photo 1 (beach.jpg)" },
  },
  {
    name: `two people of similar size (second ≥ ${SIMILAR_SIZE_RATIO} of the first)`,
    photos: [photo(1, [face(), face({ box: { x: 0.05, y: 0.1, width: 0.4 * (SIMILAR_SIZE_RATIO + 0.01), height: 0.3 * (SIMILAR_SIZE_RATIO + 0.01) } })])],
    refused: { field: "photo0", reason: "several_people", message: "Photo 1 shows more than one person — use photos of just you" },
  },
  {
    name: "one face far larger than the other: used, with a warning",
    photos: [photo(1, [face({ box: { x: 0.8, y: 0, width: 0.1, height: 0.075 } }), face()])],
    warnings: [["Photo 1 also shows other people; we used the largest face"]],
  },
  {
    name: "a low-score second face is ignored altogether",
    photos: [photo(1, [face(), face({ score: 0.3 })])],
    warnings: [[]],
  },
  {
    name: `face under ${SMALL_FACE_SHARE} of the shorter side`,
    photos: [photo(1, [face({ box: { x: 0.4, y: 0.4, width: 0.14, height: 0.105 } })], { width: 2048, height: 2732 })],
    warnings: [["Photo 1: your face is small in the picture; a closer photo works better"]],
  },
  {
    name: `face under ${SMALL_FACE_PX} px`,
    photos: [photo(1, [face({ box: { x: 0.3, y: 0.3, width: 0.3, height: 0.3 } })], { width: 400, height: 400 })],
    warnings: [["Photo 1: your face is small in the picture; a closer photo works better"]],
  },
  {
    name: `cut off: ${CUT_OFF_MESH_SHARE * 100}% of the mesh outside`,
    photos: [photo(1, [face({ outside: CUT_OFF_MESH_SHARE })], { filename: "me.png" })],
    warnings: [["Photo 1 (me.png): your face is cut off at the edge; a photo with your whole face works better"]],
  },
  {
    name: "same person in four photos",
    photos: [1, 2, 3, 4].map((n) => photo(n, [face({ embedding: me(n) })])),
    warnings: [[], [], [], []],
  },
  {
    name: `someone else among four (cosine ${DIFFERENT_PERSON_BELOW - 0.1}): refused, named`,
    photos: [photo(1, [face({ embedding: me(1) })]), photo(2, [face({ embedding: me(2) })]), photo(3, [face({ embedding: other(DIFFERENT_PERSON_BELOW - 0.1) })]), photo(4, [face({ embedding: me(4) })])],
    refused: { field: "photo2", reason: "different_person", message: "Photo 3 shows a different person than your other photos — use photos of just you" },
  },
  {
    name: "two photos of different people: the second is refused, naming the first",
    photos: [photo(1, [face({ embedding: me(1) })]), photo(2, [face({ embedding: other(0.3) })])],
    refused: { field: "photo1", reason: "different_person", message: "Photo 2 shows a different person than photo 1 — use photos of just you" },
  },
  {
    name: "two pairs of two people: refused even though each photo has a match",
    photos: [photo(1, [face({ embedding: me(1) })]), photo(2, [face({ embedding: me(2) })]), photo(3, [face({ embedding: someoneElse(13) })]), photo(4, [face({ embedding: someoneElse(14) })])],
    refused: { field: "photo2", reason: "different_person", message: "Photo 3 shows a different person than your other photos — use photos of just you" },
  },
  {
    name: `borderline (between ${DIFFERENT_PERSON_BELOW} and ${BORDERLINE_PERSON_BELOW}): a warning naming the photo`,
    photos: [photo(1, [face({ embedding: me(1) })]), photo(2, [face({ embedding: me(2) })]), photo(3, [face({ embedding: other(0.58) })])],
    warnings: [[], [], ["Photo 3 may show a different person than your other photos; check that every photo is of you"]],
  },
  {
    name: "a face the model could not describe is judged on the rest",
    photos: [photo(1, [face({ embedding: me(1) })]), photo(2, [face({ embedding: null })])],
    warnings: [[], []],
  },
];

describe("judgePhotos", () => {
  it.each(rows)("$name", ({ photos, refused, warnings }) => {
    const verdict = judgePhotos(photos);
    if (refused) {
      expect(verdict).toMatchObject({ ok: false, ...refused });
    } else {
      if (!verdict.ok) throw new Error(`refused: ${verdict.message}`);
      expect(verdict.photos.map((p) => p.warnings.map((w) => w.message))).toEqual(warnings);
    }
  });

  it("reports each photo's main face, the faces it ignored and its mean similarity", () => {
    const small = { x: 0.8, y: 0, width: 0.1, height: 0.075 };
    const verdict = judgePhotos([photo(1, [face({ box: small }), face({ embedding: me(1) })]), photo(2, [face({ embedding: me(2) })])]);
    if (!verdict.ok) throw new Error(verdict.message);
    expect(verdict.photos[0]).toMatchObject({ face: { box: { x: 0.3 } }, others: [small] });
    expect(verdict.photos.map((p) => p.similarity)).toEqual([0.8, 0.8]);
  });
});

describe("cosine, likeness and crops", () => {
  it("computes cosines, and likeness as cosine × 100 against the mean of the inputs", () => {
    expect(cosine(me(1), me(2))).toBeCloseTo(0.8, 6);
    expect(cosine(me(1), other(0.3))).toBeCloseTo(0.3, 6);
    expect(likenessOf(me(1), [me(1)])).toBe(100);
    expect(likenessOf(other(0.3), [me(1), me(2)])).toBe(Math.round(100 * cosine(other(0.3), [me(1), me(2)].reduce((s, e) => s.map((x, k) => x + e[k]!)))));
    expect(likenessOf(unit(0).map((x) => -x), [me(1)])).toBe(0);
    expect(likenessOf(me(1), [])).toBeNull();
  });

  it("crops a square around the face, kept inside the photo", () => {
    const centred = cropRegion({ x: 0.4, y: 0.4, width: 0.2, height: 0.15 }, 1000, 1333);
    expect(centred.width * 1000).toBeCloseTo(520, 6); // 200 px × 2.6
    expect(centred.width * 1000).toBeCloseTo(centred.height * 1333, 6);
    expect(centred.x + centred.width / 2).toBeCloseTo(0.5, 6);
    const corner = cropRegion({ x: 0, y: 0, width: 0.3, height: 0.3 }, 1000, 1000);
    expect(corner).toMatchObject({ x: 0, y: 0 });
    expect(cropRegion({ x: 0.1, y: 0.1, width: 0.8, height: 0.6 }, 1000, 800)).toEqual({ x: 0.1, y: 0, width: 0.8, height: 1 });
  });
});
