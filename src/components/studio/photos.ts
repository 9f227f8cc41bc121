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

const mb = (bytes: number) => (Math.ceil((bytes / (1024 * 1024)) * 10) / 10).toFixed(1);

/** Why the browser won't take this file, or null when it may be uploaded. */
export function checkFile(file: File): string | null {
  const name = `"${file.name}"`;
  const typeOk = file.type ? TYPES.has(file.type) : EXTENSIONS.test(file.name);
  if (!typeOk) return `${name} is not a JPEG or PNG image`;
  if (file.size === 0) return `${name} is empty`;
  if (file.size > MAX_PHOTO_BYTES) return `${name} is ${mb(file.size)} MB; each photo must be under ${MAX_PHOTO_SIZE_LABEL}`;
  return null;
}

export interface Intake {
  take: File[];
  problems: string[];
}

/** Which of the dropped/chosen files join a selection of `current` photos, and why others don't. */
export function intakeFiles(files: readonly File[], current: number): Intake {
  const take: File[] = [];
  const problems: string[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const problem = checkFile(file);
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
