import { shortField } from "./persona";
import { DEFAULT_STYLE, findStyle, type StylePreset } from "./styles";

/**
 * What the form's `style` means. The product guide uses it two ways: a preset's name
 * ("Cinematic", "comic book", "photographic") and a free-text attribute beside gender, age
 * range and ethnicity ("business professional", "professional"). A preset name picks that
 * preset; any other text is a style note, folded into the prompt on the default preset.
 * `styleNotes` (the studio's "Style notes" field) is the same kind of note, sent on its own.
 */

export const STYLE_NOTES_MAX = 100;

export interface StyleChoice {
  preset: StylePreset;
  /** The user's own words about the look, cleaned (no commas or brackets, no "img"); null when none. */
  notes: string | null;
}

/** Letters, marks, digits and a few joiners: a note can't add commas, brackets or weights to the prompt. */
const NOTE_CHARACTERS = /[^\p{L}\p{M}\p{N} &/'’+-]/gu;

export function resolveStyle(style: string | undefined, styleNotes?: string): StyleChoice {
  const named = style?.trim() ? findStyle(style) : undefined;
  const freeText = style?.trim() && !named ? style : undefined;
  const notes = [
    note(styleNotes, "styleNotes", "The style notes"),
    note(freeText, "style", "The style"),
  ].filter((n) => n !== "");
  return { preset: named ?? findStyle(DEFAULT_STYLE)!, notes: notes.length ? notes.join(", ") : null };
}

function note(raw: string | undefined, field: string, label: string): string {
  return shortField(raw, field, label, STYLE_NOTES_MAX, NOTE_CHARACTERS);
}

/** The notes as prompt words: "business professional" → "business professional style". */
export function styleNoteWords(notes: string | null): string[] {
  if (!notes) return [];
  return notes.split(", ").map((n) => (/\bstyle$/i.test(n) ? n : `${n} style`));
}
