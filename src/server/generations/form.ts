import { z } from "zod";
import { BadInputError } from "../errors";
import type { IncomingPhoto } from "../photos/intake";
import { STYLE_NOTES_MAX } from "../prompt/style-choice";
import { TIERS } from "../tiers";
import { BATCH_MAX, type BatchChoice } from "./batch";

/**
 * The fields of a generation request (browser FormData or the REST route's multipart body),
 * validated with zod. Photos come back as raw bytes for the intake to judge.
 */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

const optionalNumber = <T extends z.ZodNumber>(schema: T) =>
  z.preprocess((v) => (v === "" || v === undefined || v === null ? undefined : Number(v)), schema.optional());

export const generationFieldsSchema = z.object({
  projectId: z.string().trim().min(1, "Choose a project").max(100),
  name: z.string().trim().min(1, "Please name this avatar").max(100),
  prompt: z.string().trim().min(1, "Please describe the avatar").max(1000),
  personaName: optionalText(60),
  personaAge: optionalNumber(z.number().int("Age must be a whole number").min(18, "Age must be at least 18").max(100)),
  gender: optionalText(30),
  ageRange: optionalText(30),
  ethnicity: optionalText(60),
  /** A preset's name, or free words about the look ("business professional"): prompt/style-choice.ts. */
  style: optionalText(STYLE_NOTES_MAX),
  styleNotes: optionalText(STYLE_NOTES_MAX),
  styleStrength: optionalNumber(z.number().min(0.5, "Style strength must be between 0.5 and 0.95").max(0.95, "Style strength must be between 0.5 and 0.95")),
  seed: optionalNumber(z.number().int("Seed must be a whole number").min(0).max(2_147_483_647)),
  negativePrompt: optionalText(1000),
  tier: z.enum(TIERS).optional().or(z.literal("").transform(() => undefined)),
  /** How many avatars per style, each with its own seed (a batch: generations/batch.ts). */
  variations: optionalNumber(z.number().int("Variations must be a whole number").min(1, `Ask for 1 to ${BATCH_MAX} variations`).max(BATCH_MAX, `Ask for 1 to ${BATCH_MAX} variations`)),
  idempotencyKey: optionalText(200),
});

export type GenerationFields = z.infer<typeof generationFieldsSchema>;

const PHOTO_FIELD = /^photo(\d+)$/;

/**
 * The fields, the batch asked for (`style` may repeat: one generation per style; `variations`:
 * seeds per style), and the photos. `fields.style` is the first style.
 */
export async function parseGenerationForm(form: FormData): Promise<{ fields: GenerationFields; batch: BatchChoice; photos: IncomingPhoto[] }> {
  const raw: Record<string, string> = {};
  const styles: string[] = [];
  for (const [key, value] of form.entries()) {
    if (PHOTO_FIELD.test(key) || typeof value !== "string") continue;
    if (key === "style") {
      if (value.trim()) styles.push(value.trim());
      if (raw.style) continue; // the first style stands for the request's fields
    }
    raw[key] = value;
  }
  const parsed = generationFieldsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    throw new BadInputError(`${field}: ${issue.message}`, field);
  }
  const batch = { styles, variations: parsed.data.variations ?? 1 };
  return { fields: parsed.data, batch, photos: await readPhotos(form) };
}

/** photo0…photoN as raw bytes, in field order (the intake judges them). */
export async function readPhotos(form: FormData): Promise<IncomingPhoto[]> {
  const photos: Array<IncomingPhoto & { order: number }> = [];
  for (const [key, value] of form.entries()) {
    const match = PHOTO_FIELD.exec(key);
    if (!match) continue;
    if (typeof value === "string") throw new BadInputError(`${key} must be a file`, key);
    // Browsers send an empty, unnamed part for a file input left empty: that is "no photo".
    if (value.size === 0 && !value.name) continue;
    photos.push({ field: key, filename: value.name || undefined, bytes: new Uint8Array(await value.arrayBuffer()), order: Number(match[1]) });
  }
  photos.sort((a, b) => a.order - b.order);
  return photos.map(({ order: _order, ...p }) => p);
}
