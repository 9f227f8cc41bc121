/**
 * Face fixtures, made on the fly from the sample pictures that @vladmandic/human ships in
 * node_modules/@vladmandic/human/assets (screenshots of its demos, MIT like the package). Nothing is
 * committed and nothing is downloaded: tests call these builders in memory, and running this file
 * writes the same JPEGs to .data/face-fixtures/ (git-ignored) to look at.
 *
 *   npx tsx scripts/make-face-fixtures.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import sharp, { type OverlayOptions, type Sharp } from "sharp";

type Region = { left: number; top: number; width: number; height: number };

const assetsDir = () => {
  const require = createRequire(path.join(process.cwd(), "package.json"));
  return path.join(path.dirname(path.dirname(require.resolve("@vladmandic/human"))), "assets");
};

/** Head-and-shoulders tiles of five different people (the face-detect demo's bottom row). */
const DETECT_TILES: Region[] = [7, 164, 321, 479, 636].map((left) => ({ left, top: 345, width: 151, height: 152 }));
/** Person 0 again, in other photos (the face-match demo): a suit portrait and a close-up. */
const PERSON0_SUIT: Region = { left: 497, top: 26, width: 105, height: 105 };
const PERSON0_CLOSE: Region = { left: 0, top: 25, width: 170, height: 170 };
/** A sixth person: the face-id demo's webcam frame. */
const FACEID: Region = { left: 14, top: 142, width: 140, height: 140 };
/** A real two-person photo (face-detect demo's first thumbnail). */
const TWO_WOMEN: Region = { left: 0, top: 89, width: 104, height: 158 };
/** A rendered full-body anime figure: a picture of "someone" with no detectable face. */
const ANIME: Region = { left: 50, top: 40, width: 230, height: 600 };

export const PEOPLE = DETECT_TILES.length + 1;

const tile = (file: string, region: Region) => sharp(path.join(assetsDir(), file)).extract(region);

async function faceTile(person: number): Promise<Sharp> {
  if (person === DETECT_TILES.length) return tile("screenshot-faceid.jpg", FACEID);
  const region = DETECT_TILES[person];
  if (!region) throw new Error(`No fixture person ${person} (0..${PEOPLE - 1})`);
  return tile("screenshot-facedetect.jpg", region);
}

/** A soft two-colour background, different per seed, so photos differ in bytes but not in who. */
function background(width: number, height: number, seed: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs>` +
      `<linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${(seed * 47) % 360},35%,60%)"/>` +
      `<stop offset="1" stop-color="hsl(${(seed * 91) % 360},30%,35%)"/></linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#g)"/></svg>`,
  );
}

interface Placement {
  image: Sharp;
  /** Width of the placed tile in px (height follows the tile's aspect). */
  size: number;
  /** Tile centre, as fractions of the canvas (may put the tile partly outside). */
  cx: number;
  cy: number;
}

/** Composes tiles on a background; tiles reaching past the canvas are cut, like a cropped photo. */
async function compose(width: number, height: number, seed: number, placements: Placement[]): Promise<Buffer> {
  const layers: OverlayOptions[] = [];
  for (const p of placements) {
    const { data, info } = await p.image.resize({ width: p.size, kernel: "lanczos3" }).png().toBuffer({ resolveWithObject: true });
    let left = Math.round(p.cx * width - info.width / 2);
    let top = Math.round(p.cy * height - info.height / 2);
    const cut = { left: Math.max(0, -left), top: Math.max(0, -top) };
    const w = Math.min(info.width - cut.left, width - Math.max(0, left));
    const h = Math.min(info.height - cut.top, height - Math.max(0, top));
    const input = await sharp(data).extract({ left: cut.left, top: cut.top, width: w, height: h }).toBuffer();
    left = Math.max(0, left);
    top = Math.max(0, top);
    layers.push({ input, left, top });
  }
  return sharp(background(width, height, seed)).composite(layers).jpeg({ quality: 90 }).toBuffer();
}

/** A portrait of one fixture person (0..PEOPLE-1), face about 45% of the width, upright. */
export async function personJpeg(person = 0, options: { seed?: number; width?: number; height?: number; mirrored?: boolean } = {}) {
  const { seed = person + 1, width = 768, height = 1024, mirrored = false } = options;
  const face = await faceTile(person);
  return compose(width, height, seed, [{ image: mirrored ? face.flop() : face, size: Math.round(width * 0.5), cx: 0.5, cy: 0.42 }]);
}

/** Person 0 in two other photos than personJpeg(0): a suit portrait ("suit") and a close-up ("close"). */
export async function person0OtherPhoto(which: "suit" | "close", seed = 9): Promise<Buffer> {
  const image = which === "suit" ? tile("screenshot-facematch.jpg", PERSON0_SUIT) : tile("screenshot-facematch.jpg", PERSON0_CLOSE);
  return compose(768, 1024, seed, [{ image, size: 420, cx: 0.5, cy: 0.42 }]);
}

/** Two people of similar size side by side (composed from two tiles). */
export const twoPeopleJpeg = () =>
  faceTile(1).then(async (a) =>
    compose(1024, 768, 3, [
      { image: a, size: 360, cx: 0.3, cy: 0.45 },
      { image: await faceTile(3), size: 340, cx: 0.72, cy: 0.45 },
    ]),
  );

/** A real photo of two women side by side (a thumbnail of the face-detect demo), upscaled. */
export const twoWomenJpeg = () => tile("screenshot-facedetect.jpg", TWO_WOMEN).resize({ width: 1000, kernel: "lanczos3" }).jpeg({ quality: 90 }).toBuffer();

/** Person 0 large, with someone small in the background corner. */
export const dominantJpeg = async () =>
  compose(768, 1024, 4, [
    { image: await faceTile(2), size: 150, cx: 0.86, cy: 0.12 },
    { image: await faceTile(0), size: 400, cx: 0.45, cy: 0.5 },
  ]);

/** Person 0 small in a large frame. */
export const smallFaceJpeg = async () => compose(1024, 1024, 5, [{ image: await faceTile(0), size: 150, cx: 0.5, cy: 0.6 }]);

/** Person 0 with a good part of the face past the left edge. */
export const cutOffJpeg = async () => compose(768, 1024, 6, [{ image: await faceTile(0), size: 420, cx: 0.02, cy: 0.4 }]);

/** Pictures with no face: a plain gradient "portrait", a rendered anime figure, a landscape-ish blur. */
export async function noFaceJpeg(kind: "gradient" | "anime" | "texture" = "gradient"): Promise<Buffer> {
  if (kind === "anime") return tile("screenshot-vrm.jpg", ANIME).resize({ height: 1024 }).jpeg({ quality: 90 }).toBuffer();
  // The ceiling of the party photo in samples.jpg: lamps and patterns, nobody.
  if (kind === "texture") return tile("samples.jpg", { left: 600, top: 195, width: 660, height: 120 }).resize(1024, 768, { fit: "fill" }).jpeg({ quality: 90 }).toBuffer();
  return sharp(background(768, 1024, 7)).jpeg({ quality: 90 }).toBuffer();
}

/** Every fixture by name, for the script and for calibration. */
export async function allFixtures(): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (let p = 0; p < PEOPLE; p++) out[`person${p}`] = await personJpeg(p);
  out.person0Mirrored = await personJpeg(0, { mirrored: true, seed: 11 });
  out.person0Suit = await person0OtherPhoto("suit");
  out.person0Close = await person0OtherPhoto("close");
  out.twoPeople = await twoPeopleJpeg();
  out.twoWomen = await twoWomenJpeg();
  out.dominant = await dominantJpeg();
  out.smallFace = await smallFaceJpeg();
  out.cutOff = await cutOffJpeg();
  out.noFaceGradient = await noFaceJpeg("gradient");
  out.noFaceAnime = await noFaceJpeg("anime");
  out.noFaceTexture = await noFaceJpeg("texture");
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = path.resolve(".data/face-fixtures");
  mkdirSync(dir, { recursive: true });
  const fixtures = await allFixtures();
  for (const [name, bytes] of Object.entries(fixtures)) writeFileSync(path.join(dir, `${name}.jpg`), bytes);
  const total = Object.values(fixtures).reduce((n, b) => n + b.length, 0);
  console.log(`${Object.keys(fixtures).length} fixtures, ${Math.round(total / 1024)} KB, in ${dir}`);
}
