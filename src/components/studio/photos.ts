import { MAX_PHOTO_BYTES, MAX_PHOTO_SIZE_LABEL, MAX_PHOTOS } from "~/server/photos/limits";

/**
 * The browser's first look at chosen files: type and size only, so a wrong file is caught before
 * it is uploaded. The server still judges every photo by its content.
 */

export interface SelectedPhoto {
  key: string;
  file: File;
  previewUrl: string;
  /** The server refused this photo (its message names the photo). */
  error: string | null;
  /** The server accepted it with advice ("small", "very dark"…). */
  warnings: string[];
}

// HEIC/HEIF (iPhones) pass too: a browser that can decode them sends a JPEG (useDownscale.ts),
// one that can't sends the file as chosen, and the server's answer decides.
const TYPES = new Set(["image/jpeg", "image/png", "image/heic", "image/heif"]);
const EXTENSIONS = /\.(jpe?g|png|hei[cf])$/i;

export const ACCEPT = "image/jpeg,image/png,image/heic,image/heif,.jpg,.jpeg,.png,.heic,.heif";

const MiB = 1024 * 1024;
const mb = (bytes: number) => (Math.ceil((bytes / MiB) * 10) / 10).toFixed(1);

/**
 * The most a chosen JPEG or PNG may weigh when this browser shrinks photos before upload: the
 * 10 MB limit is on what is sent (MAX_PHOTO_BYTES), and a 12 MB phone photo is sent as ~1 MB.
 * Still bounded, so a huge file isn't decoded in the page for nothing.
 */
export const MAX_CHOSEN_PHOTO_BYTES = 40 * MiB;
const SHRINKABLE = /\.(jpe?g|png)$/i;

/**
 * Why the browser won't take this file, or null when it may be uploaded. With `canShrink`
 * (useDownscale.ts), a JPEG or PNG may be bigger than the upload limit: its shrunk copy is sent,
 * and `uploadProblem` checks that copy before sending.
 */
export function checkFile(file: File, options: { canShrink?: boolean } = {}): string | null {
  const name = `"${file.name}"`;
  const typeOk = file.type ? TYPES.has(file.type) : EXTENSIONS.test(file.name);
  if (!typeOk) return `${name} is not a JPEG or PNG image`;
  if (file.size === 0) return `${name} is empty`;
  const shrinkable = options.canShrink && (file.type === "image/jpeg" || file.type === "image/png" || (!file.type && SHRINKABLE.test(file.name)));
  const limit = shrinkable ? MAX_CHOSEN_PHOTO_BYTES : MAX_PHOTO_BYTES;
  if (file.size > limit) return `${name} is ${mb(file.size)} MB; each photo must be under ${shrinkable ? `${limit / MiB}MB` : MAX_PHOTO_SIZE_LABEL}`;
  return null;
}

/** Why the file about to be sent for photo `index` can't be (over the server's limit), or null. */
export function uploadProblem(index: number, upload: File): string | null {
  if (upload.size <= MAX_PHOTO_BYTES) return null;
  return `Photo ${index + 1} (${upload.name}) is ${mb(upload.size)} MB and this browser could not make it smaller; each photo must be under ${MAX_PHOTO_SIZE_LABEL}`;
}

export interface Intake {
  take: File[];
  problems: string[];
}

/** Which of the dropped/chosen files join a selection of `current` photos, and why others don't. */
export function intakeFiles(files: readonly File[], current: number, options: { canShrink?: boolean } = {}): Intake {
  const take: File[] = [];
  const problems: string[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const problem = checkFile(file, options);
    if (problem) problems.push(problem);
    else if (current + take.length < MAX_PHOTOS) take.push(file);
    else skipped.push(`"${file.name}"`);
  }
  if (skipped.length > 0) {
    problems.push(`You can use up to ${MAX_PHOTOS} photos: ${skipped.join(", ")} ${skipped.length === 1 ? "was" : "were"} not added`);
  }
  return { take, problems };
}

/** The photo a server message is about: "Photo 2 …" / "photo 2 (me.jpg)" → index 1. */
export function photoIndexOfMessage(message: string): number | null {
  const match = /^photo (\d+)\b/i.exec(message);
  return match ? Number(match[1]) - 1 : null;
}

/** "photo2" (the form field) → index 2. */
export function photoIndexOfField(field: string | null | undefined): number | null {
  const match = /^photo(\d+)$/.exec(field ?? "");
  return match ? Number(match[1]) : null;
}

export { MAX_PHOTOS };
