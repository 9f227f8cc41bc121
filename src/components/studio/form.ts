import { DEFAULT_STYLE } from "~/server/prompt/styles";
import { DEFAULT_STYLE_STRENGTH } from "~/server/prompt/strength";
import type { Tier } from "~/server/tiers";

/** The studio's prompt form: what the user types, as strings, and how it becomes FormData. */
export interface PromptValues {
  name: string;
  prompt: string;
  personaName: string;
  personaAge: string;
  gender: string;
  ageRange: string;
  ethnicity: string;
  style: string;
  styleNotes: string;
  styleStrength: number;
  seed: string;
  negativePrompt: string;
  /** A batch (server: generations/batch.ts): several style cards at once… */
  severalStyles: boolean;
  styles: string[];
  /** …and/or this many avatars per style, each with its own seed. */
  variations: number;
}

export type FieldErrors = Partial<Record<keyof PromptValues | "tier", string>>;

export const initialValues: PromptValues = {
  name: "",
  prompt: "",
  personaName: "",
  personaAge: "",
  gender: "person",
  ageRange: "",
  ethnicity: "",
  style: DEFAULT_STYLE,
  styleNotes: "",
  styleStrength: DEFAULT_STYLE_STRENGTH,
  seed: "",
  negativePrompt: "",
  severalStyles: false,
  styles: [DEFAULT_STYLE],
  variations: 1,
};

/** At most this many avatars per submission (the server's BATCH_MAX). */
export { BATCH_MAX } from "~/server/generations/batch";

/** The styles this submission makes: the several chosen, or the one. */
export function chosenStyles(values: PromptValues): string[] {
  return values.severalStyles ? values.styles : [values.style];
}

/** How many avatars this submission makes. */
export function batchSize(values: PromptValues): number {
  return Math.max(1, chosenStyles(values).length) * values.variations;
}

export const GENDERS = [
  { value: "person", label: "Person (unspecified)" },
  { value: "woman", label: "Woman" },
  { value: "man", label: "Man" },
] as const;

export const AGE_RANGES = [
  { value: "", label: "Any age" },
  { value: "18-24", label: "18–24" },
  { value: "25-34", label: "25–34" },
  { value: "35-44", label: "35–44" },
  { value: "45-54", label: "45–54" },
  { value: "55-64", label: "55–64" },
  { value: "65+", label: "65 or older" },
] as const;

export function generationFormData(input: {
  projectId: string;
  values: PromptValues;
  tier: Tier;
  photos: readonly File[];
  idempotencyKey: string;
}): FormData {
  const form = new FormData();
  form.set("projectId", input.projectId);
  form.set("tier", input.tier);
  form.set("idempotencyKey", input.idempotencyKey);
  const { styleStrength, severalStyles: _several, styles: _styles, variations, style: _style, ...text } = input.values;
  for (const [key, value] of Object.entries(text)) if (value.trim() !== "") form.set(key, value.trim());
  // One `style` field per style: several make a batch, one generation each.
  for (const style of chosenStyles(input.values)) form.append("style", style);
  if (variations > 1) form.set("variations", String(variations));
  form.set("styleStrength", styleStrength.toFixed(2));
  input.photos.forEach((file, i) => form.set(`photo${i}`, file, file.name));
  return form;
}

/** "Generate again": the generation's id and the photos, sent again. */
export function retryFormData(generationId: string, photos: readonly File[], idempotencyKey: string): FormData {
  const form = new FormData();
  form.set("generationId", generationId);
  form.set("idempotencyKey", idempotencyKey);
  photos.forEach((file, i) => form.set(`photo${i}`, file, file.name));
  return form;
}

/** How the strength slider reads in words. */
export function strengthWords(value: number): string {
  if (value >= 0.88) return "very like you";
  if (value >= 0.75) return "like you, with some style";
  if (value >= 0.62) return "balanced";
  return "more creative";
}
