import { BadInputError } from "../errors";
import {
  DARK_MEAN_MAX,
  FLAT_STDEV_MAX,
  MAX_FILENAME_CHARS,
  MAX_INPUT_PIXELS_LABEL,
  MAX_NAMED_LEFT_OUT,
  MAX_PHOTO_BYTES,
  MAX_PHOTO_SIZE_LABEL,
  MAX_PHOTOS,
  WEAK_MIN_SIDE,
} from "./limits";
import { checkHeader, DecodeFailed, type DecodeFailure, lightness, normalizePhoto } from "./normalize";
import { sniffFormat } from "./sniff";

/**
 * Photo intake: the one gate every uploaded photo passes before anything is charged. Judges each
 * photo by its content (magic bytes, then a full decode), refuses anything that is not a sound
 * JPEG or PNG with a message naming the photo, and hands back clean JPEGs (upright, 8-bit sRGB,
 * ≤ 2048 px, ~1 MB, no metadata) plus warnings for weak photos. One photo at a time, in memory.
 */

export interface IncomingPhoto {
  /** "photo0".."photoN", as sent. */
  field: string;
  filename?: string;
  bytes: Uint8Array;
}

export interface AcceptedPhoto {
  field: string;
  /** 1-based position in field order, how users see it: "photo 2". */
  number: number;
  /** The display name: base name only, control/bidi characters removed, shortened. */
  filename?: string;
  jpeg: Buffer;
  width: number;
  height: number;
  warnings: string[];
}

export interface IntakeResult {
  photos: AcceptedPhoto[];
  /** About the set as a whole, e.g. photos left out. */
  warnings: string[];
}

/** A photo (or the set) was refused; `field` is the photo's form field, or "photos" for the count. */
export class PhotoRejectedError extends BadInputError {
  constructor(message: string, field: string) {
    super(message, field);
    this.name = "PhotoRejectedError";
  }
}

export const NO_PHOTOS_MESSAGE = "Please upload at least one photo";

/** A user-chosen name is shown back to users: keep the base name, drop control and bidi characters. */
export function displayName(filename: string | undefined): string | undefined {
  const base = filename?.split(/[/\\]/).pop() ?? "";
  const clean = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
  if (!clean) return undefined;
  const chars = [...clean];
  return chars.length > MAX_FILENAME_CHARS ? `${chars.slice(0, MAX_FILENAME_CHARS - 1).join("")}…` : clean;
}

interface Numbered {
  field: string;
  number: number;
  name?: string;
  bytes: Uint8Array;
}

/** "photo 2 (me.jpg)" — how every message names a photo. */
const label = (p: Pick<Numbered, "number" | "name">) => (p.name ? `photo ${p.number} (${p.name})` : `photo ${p.number}`);
const Label = (p: Pick<Numbered, "number" | "name">) => `P${label(p).slice(1)}`;
/** The same naming for the face check's messages (src/server/faces). */
export { label as photoLabel, Label as PhotoLabel };

/** Size in MB rounded up, so a photo just over the limit never reads as "10.0 MB". */
const megabytes = (bytes: number) => (Math.ceil((bytes / (1024 * 1024)) * 10) / 10).toFixed(1);
const megapixels = (pixels: number) => (pixels >= 10e6 ? Math.round(pixels / 1e6).toString() : (pixels / 1e6).toFixed(1));

export const messages = {
  empty: (p: Numbered) => `${Label(p)} is empty`,
  tooBig: (p: Numbered) => `Photo exceeds ${MAX_PHOTO_SIZE_LABEL} limit: ${label(p)} is ${megabytes(p.bytes.byteLength)} MB`,
  notImage: (p: Numbered) => `${Label(p)} is not a JPEG or PNG image`,
  damaged: (p: Numbered) => `${Label(p)} is damaged or incomplete`,
  tooManyPixels: (p: Numbered, width: number, height: number) =>
    `${Label(p)} has too many pixels (${width}×${height}, ${megapixels(width * height)} MP); the limit is ${MAX_INPUT_PIXELS_LABEL}`,
  leftOut: (left: Numbered[]) => {
    const named = left.slice(0, MAX_NAMED_LEFT_OUT).map(label);
    const more = left.length - named.length;
    const list = more > 0 ? [...named, `${more} more`] : named;
    const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
    return `Only ${MAX_PHOTOS} photos are used: ${joined} ${left.length === 1 ? "was" : "were"} left out`;
  },
  small: (p: Numbered, width: number, height: number) =>
    `${Label(p)} is small (${width}×${height} px); photos at least ${WEAK_MIN_SIDE} px on the shorter side work better`,
  dark: (p: Numbered) => `${Label(p)} is very dark; a brighter photo works better`,
  flat: (p: Numbered) => `${Label(p)} has very low contrast; a clearer photo works better`,
};

const FIELD_INDEX = /^photo(\d+)$/;
const fieldIndex = (field: string) => {
  const match = FIELD_INDEX.exec(field);
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
};

/**
 * `onAccepted` gets each photo as soon as it is clean, before the next is read: the face check
 * starts on it while the intake goes on (a later refusal still refuses the whole set).
 */
export async function intakePhotos(files: IncomingPhoto[], options: { onAccepted?: (photo: AcceptedPhoto) => void } = {}): Promise<IntakeResult> {
  if (files.length === 0) throw new PhotoRejectedError(NO_PHOTOS_MESSAGE, "photos");

  // Field order photo0, photo1, … (numerically: photo10 after photo9); the sort is stable, so
  // unnumbered or repeated fields keep the order they were sent in.
  const numbered: Numbered[] = files
    .map((f, i) => ({ f, i }))
    .sort((a, b) => fieldIndex(a.f.field) - fieldIndex(b.f.field) || a.i - b.i)
    .map(({ f }, i) => ({ field: f.field, number: i + 1, name: displayName(f.filename), bytes: f.bytes }));

  const used = numbered.slice(0, MAX_PHOTOS);
  const left = numbered.slice(MAX_PHOTOS); // never read: not even their size is judged
  const warnings = left.length > 0 ? [messages.leftOut(left)] : [];

  // One at a time: at most one decoded photo (≤ 2048² × 3 bytes, plus sharp's working set) is alive.
  const photos: AcceptedPhoto[] = [];
  for (const photo of used) {
    const accepted = await intakeOne(photo);
    photos.push(accepted);
    options.onAccepted?.(accepted);
  }
  return { photos, warnings };
}

async function intakeOne(p: Numbered): Promise<AcceptedPhoto> {
  const reject = (message: string) => new PhotoRejectedError(message, p.field);
  if (p.bytes.byteLength === 0) throw reject(messages.empty(p));
  if (p.bytes.byteLength > MAX_PHOTO_BYTES) throw reject(messages.tooBig(p));
  const format = sniffFormat(p.bytes);
  if (!format) throw reject(messages.notImage(p));

  const input = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength); // a view, not a copy
  const describe = (failure: DecodeFailure) =>
    failure.kind === "wrong-format"
      ? messages.notImage(p)
      : failure.kind === "too-many-pixels"
        ? messages.tooManyPixels(p, failure.width, failure.height)
        : messages.damaged(p);
  try {
    const header = await checkHeader(input, format);
    const encoded = await normalizePhoto(input, header);
    const { jpeg, width, height } = encoded;
    // Measured on what the engine will see: the clean JPEG.
    const { mean, stdev } = await lightness(encoded);

    const warnings: string[] = [];
    if (Math.min(width, height) < WEAK_MIN_SIDE) warnings.push(messages.small(p, width, height));
    // A dark photo is also low in contrast; "too dark" is the one worth acting on, so say only that.
    if (mean < DARK_MEAN_MAX) warnings.push(messages.dark(p));
    else if (stdev < FLAT_STDEV_MAX) warnings.push(messages.flat(p));
    return { field: p.field, number: p.number, filename: p.name, jpeg, width, height, warnings };
  } catch (error) {
    if (error instanceof DecodeFailed) throw reject(describe(error.failure));
    throw error;
  }
}
