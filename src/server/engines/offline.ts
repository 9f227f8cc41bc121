import { createHash } from "node:crypto";
import sharp, { type Sharp } from "sharp";
import { fluxLabel, photomakerLabel } from "./labels";
import type { Engine, GeneratedImage, GenerationInput } from "./types";

/**
 * The engine of a fresh machine (no token): a deterministic picture made with sharp from the
 * user's first (face-centred) photo, styled by preset and clearly labelled. Never passed off as
 * PhotoMaker: engine "offline", offlinePreview true, and "OFFLINE PREVIEW" burnt into the pixels.
 */

export const OFFLINE_MODEL = "offline-preview";
export const OFFLINE_LABEL = "OFFLINE PREVIEW";

type Styler = (img: Sharp, width: number, height: number) => Promise<Sharp>;

const same: Styler = async (img) => img;

/** One look per PhotoMaker demo style; unknown names get "(No style)". */
export const OFFLINE_STYLES: Record<string, Styler> = {
  "(No style)": same,
  "Photographic (Default)": async (img) => img.modulate({ saturation: 1.05 }).sharpen({ sigma: 0.8 }),
  Cinematic: async (img) => img.modulate({ saturation: 0.7, brightness: 0.9 }).linear(1.15, -12).tint("#c8d8e0"),
  "Disney Character": async (img) => img.modulate({ saturation: 1.6, brightness: 1.08 }).blur(1.2),
  "Digital Art": async (img) => img.modulate({ saturation: 1.35 }).sharpen({ sigma: 1.5 }),
  "Fantasy art": async (img) => img.modulate({ hue: 35, saturation: 1.25 }).blur(0.6),
  Neonpunk: async (img) => img.modulate({ hue: 200, saturation: 2, brightness: 1.1 }).linear(1.3, -30),
  Enhance: async (img) => img.normalise().sharpen({ sigma: 1 }),
  "Comic book": async (img) => img.median(5).modulate({ saturation: 1.7 }).linear(1.5, -50),
  // Pixelate: shrink, then blow back up with nearest-neighbour.
  Lowpoly: async (img, width, height) => {
    const small = await img
      .resize(Math.max(1, Math.round(width / 24)), Math.max(1, Math.round(height / 24)))
      .toBuffer();
    return sharp(small).resize(width, height, { kernel: "nearest" });
  },
  "Line art": async (img) =>
    img.greyscale().convolve({ width: 3, height: 3, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] }).negate({ alpha: false }),
};

function label(width: number, height: number, text: string): Buffer {
  const size = labelFontSize(width, height);
  const bandHeight = labelBandHeight(width, height);
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect x="0" y="${height - bandHeight}" width="${width}" height="${bandHeight}" fill="#000" fill-opacity="0.7"/>` +
      `<text x="${Math.round(size * 0.6)}" y="${height - Math.round(bandHeight * 0.3)}" font-family="sans-serif" ` +
      `font-weight="bold" font-size="${size}" fill="#fff">${escaped}</text></svg>`,
  );
}

/** The label band's height for an image of this size (tests look for it). */
export function labelBandHeight(width: number, height: number): number {
  return Math.round(labelFontSize(width, height) * 1.8);
}

function labelFontSize(width: number, height: number): number {
  return Math.max(10, Math.round(Math.min(width, height) / 24));
}

async function finish(base: Sharp, input: GenerationInput, text: string): Promise<Buffer> {
  const styler = OFFLINE_STYLES[input.style] ?? same;
  // Flatten between steps so each styler sees plain RGB pixels.
  const styled = await styler(sharp(await base.removeAlpha().toBuffer()), input.width, input.height);
  return sharp(await styled.toBuffer())
    .resize(input.width, input.height, { fit: "fill" })
    .composite([{ input: label(input.width, input.height, text), top: 0, left: 0 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A smooth two-colour gradient picked from the prompt and seed (FLUX keeps no identity). */
function gradientSvg(width: number, height: number, key: string): Buffer {
  const h = createHash("sha256").update(key).digest();
  const colour = (i: number) => `rgb(${h[i]},${h[i + 1]},${h[i + 2]})`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs>` +
      `<linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colour(0)}"/>` +
      `<stop offset="1" stop-color="${colour(3)}"/></linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#g)"/>` +
      `<circle cx="50%" cy="42%" r="${Math.round(Math.min(width, height) / 4)}" fill="${colour(6)}" fill-opacity="0.6"/></svg>`,
  );
}

function result(bytes: Buffer, input: GenerationInput): GeneratedImage {
  return {
    bytes,
    contentType: "image/jpeg",
    engine: "offline",
    model: OFFLINE_MODEL,
    offlinePreview: true,
    provider: "offline",
    version: null,
    predictionId: null,
    modelWidth: input.width,
    modelHeight: input.height,
  };
}

export function createOfflineEngine(): Engine {
  return {
    name: "offline",
    models: {
      photomaker: { model: OFFLINE_MODEL, version: null, label: photomakerLabel("offline", OFFLINE_MODEL) },
      flux: { model: OFFLINE_MODEL, version: null, label: fluxLabel("offline") },
    },

    async photomaker(input) {
      const first = input.photos[0];
      // With the face check on, inputs are face-centred crops (src/server/faces/crop.ts), so the
      // centre of the first one is the face: the preview shows the person, and its likeness is
      // measured like any other result. With the check off it is a plain centre crop.
      const base = first
        ? sharp(first).rotate().resize(input.width, input.height, { fit: "cover", position: "centre" })
        : sharp(gradientSvg(input.width, input.height, `${input.prompt}\n${input.seed}`));
      return result(await finish(base, input, OFFLINE_LABEL), input);
    },

    async flux(input) {
      const base = sharp(gradientSvg(input.width, input.height, `${input.fluxPrompt}\n${input.seed}`));
      return result(await finish(base, input, `${OFFLINE_LABEL} · FLUX`), input);
    },

    async health() {
      return {
        ok: true,
        detail: "offline engine: previews made locally, no PhotoMaker endpoint configured",
        photomaker: { model: OFFLINE_MODEL, version: null, label: photomakerLabel("offline", OFFLINE_MODEL) },
        alert: null,
      };
    },
  };
}
