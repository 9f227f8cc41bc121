import { BadInputError } from "../errors";

/**
 * User text hygiene and the `img` trigger word, as PhotoMaker's tokenizer sees it.
 *
 * PhotoMaker registers "img" as an added special token, and Hugging Face tokenizers match
 * added tokens as SUBSTRINGS: "imgur" reaches the model as "img" + "ur". So anything
 * containing "img" is a trigger to PhotoMaker. We match case-insensitively too: a user who
 * typed "IMG" meant the trigger (which PhotoMaker, being case-sensitive, would then miss).
 */

export const TRIGGER = "img";

export type ClassWord = "man" | "woman" | "person";

/** Single-token class words PhotoMaker's demo accepts before "img", and what they mean here. */
export const CLASS_WORDS: Readonly<Record<string, ClassWord>> = {
  man: "man",
  boy: "man",
  guy: "man",
  woman: "woman",
  girl: "woman",
  lady: "woman",
  person: "person",
  child: "person",
  kid: "person",
};

export const TRIGGER_RULE = `The prompt may contain the trigger word "img" only once, right after man, woman or person (as in "a photo of a woman img")`;

/**
 * NFKC (so full-width "ｉｍｇ" is seen as "img", as the pipeline's text cleaning would),
 * invisible format characters removed (a zero-width space must not hide a trigger),
 * control characters and line breaks turned into spaces, whitespace collapsed, trimmed.
 */
export function cleanText(raw: string | null | undefined): string {
  if (raw == null) return "";
  return String(raw)
    .normalize("NFKC")
    .replace(/[\p{Cf}\p{Cs}\p{Co}]/gu, "")
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

/** cleanText, then the length cap: refused with the field, never silently cut. */
export function cleanCapped(raw: string | null | undefined, field: string, label: string, max: number): string {
  const text = cleanText(raw);
  if (text.length > max) {
    throw new BadInputError(`${label} is too long (${text.length} characters; the limit is ${max})`, field);
  }
  return text;
}

/** Start index of every "img" PhotoMaker (or the user) would take for the trigger. */
export function findTriggers(text: string): number[] {
  return [...text.matchAll(/img/giu)].map((m) => m.index);
}

/** The whole word around a position, for error messages ("imgur", "photoimg"). */
function wordAt(text: string, index: number): string {
  let start = index;
  let end = index;
  while (start > 0 && /[\p{L}\p{N}]/u.test(text[start - 1] ?? "")) start--;
  while (end < text.length && /[\p{L}\p{N}]/u.test(text[end] ?? "")) end++;
  return text.slice(start, end);
}

const CLASS_BEFORE = new RegExp(`(?<![\\p{L}\\p{N}])(${Object.keys(CLASS_WORDS).join("|")}) $`, "iu");

export interface UserTrigger {
  /** The text with its trigger lower-cased ("woman IMG" → "woman img"), otherwise as written. */
  text: string;
  /** Index of "img" in `text`. */
  index: number;
  classWord: ClassWord;
}

/**
 * The user's own trigger, if any. Refuses two or more, and one that is not exactly
 * "<class word> img" — one space before (the pipeline strips " img" for its text-only pass),
 * no letter or digit after. We refuse rather than repair: guessing whom "img" was meant to
 * be is worse than one clear message, and PhotoMaker itself fails on it.
 */
export function findUserTrigger(text: string, field: string): UserTrigger | null {
  const found = findTriggers(text);
  if (found.length === 0) return null;
  if (found.length > 1) throw new BadInputError(`${TRIGGER_RULE}; it appears ${found.length} times`, field);
  const index = found[0] ?? 0;
  const cls = CLASS_BEFORE.exec(text.slice(0, index))?.[1]?.toLowerCase();
  const after = text[index + TRIGGER.length] ?? "";
  if (!cls || /[\p{L}\p{N}]/u.test(after)) {
    const word = wordAt(text, index);
    const where = word.toLowerCase() === TRIGGER ? `"${word}" is misplaced` : `"img" is hidden inside "${word}"`;
    throw new BadInputError(`${TRIGGER_RULE}; here ${where}`, field);
  }
  const lowered = text.slice(0, index) + TRIGGER + text.slice(index + TRIGGER.length);
  return { text: lowered, index, classWord: CLASS_WORDS[cls] ?? "person" };
}

/**
 * A lower bound on CLIP tokens: the tokenizer's pre-split pieces (letter runs, single digits,
 * punctuation runs); BPE only splits further. Used to keep the trigger inside the 77-token window.
 */
export function countClipPieces(text: string): number {
  return text.match(/\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu)?.length ?? 0;
}
