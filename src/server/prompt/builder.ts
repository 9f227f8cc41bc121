import { BadInputError } from "../errors";
import { FACE_QUALITY_NEGATIVE_TERMS, mergeNegative } from "./negative";
import { type Gender, article, normalizeGender, personaWords } from "./persona";
import { resolveStyle, styleNoteWords } from "./style-choice";
import { PHOTOGRAPHIC_STYLES } from "./styles";
import { type ClassWord, TRIGGER, cleanCapped, countClipPieces, findTriggers, findUserTrigger } from "./text";

/**
 * The prompt builder: pure, no I/O. Turns the form's fields into the PhotoMaker prompt (one
 * "img" trigger, right after the class word), its negative prompt, and the same scene without
 * the trigger for the FLUX fallback.
 *
 * Two paths:
 * - the usual one — the user describes the scene ("wearing a suit") and we write the subject:
 *   "a photo of a 34-year-old East Asian woman img named Mei, wearing a suit, <quality>";
 * - the user wrote a correct trigger themselves ("portrait of a girl img in the rain"): kept
 *   as written, persona facts appended as a comma list after it.
 * Then the preset's template wraps the result through its "{prompt}" slot.
 */

export type { Gender } from "./persona";

export const PROMPT_MAX = 1000;
export const NEGATIVE_PROMPT_MAX = 1000;

/** Photographic presets get the photography words; art presets would fight them (their negatives say "photo"). */
export const PHOTO_QUALITY_SUFFIX = "professional portrait photography, high quality, detailed face, sharp focus";
export const ART_QUALITY_SUFFIX = "high quality, detailed face, sharp focus";

/**
 * CLIP reads 77 tokens; PhotoMaker also repeats the class token once per photo (up to 4).
 * A trigger past ~70 pieces is certainly cut off, and PhotoMaker then fails or loses the face.
 */
const TRIGGER_MAX_PIECES_BEFORE = 70;

export interface PromptInput {
  prompt: string;
  gender?: string;
  personaName?: string;
  personaAge?: number;
  ageRange?: string;
  ethnicity?: string;
  /** A preset's name, or free words about the look (see style-choice.ts). */
  style?: string;
  styleNotes?: string;
  negativePrompt?: string;
}

export interface BuiltPrompt {
  /** For PhotoMaker: exactly one "img", right after the class word. */
  prompt: string;
  negativePrompt: string;
  /** The same scene with no trigger, for the FLUX fallback. */
  fluxPrompt: string;
  /** The class word the prompt uses (a user's "girl img" reports "woman"). */
  classWord: ClassWord;
  /** The preset's canonical name. */
  style: string;
  /** The user's words about the look, as folded into the prompt ("business professional"); null when none. */
  styleNotes: string | null;
}

/** Trailing "." or "," and leading commas would leave ", ," or ". ," once joined. */
const trimPunctuation = (s: string) => s.replace(/^[\s,;:.]+/, "").replace(/[\s,;:.]+$/, "");

const joinParts = (parts: readonly string[]) => parts.filter((p) => p.length > 0).join(", ");

export function buildPrompt(input: PromptInput): BuiltPrompt {
  const { preset, notes } = resolveStyle(input.style, input.styleNotes);
  const look = styleNoteWords(notes);
  const photographic = PHOTOGRAPHIC_STYLES.has(preset.name);
  const quality = photographic ? PHOTO_QUALITY_SUFFIX : ART_QUALITY_SUFFIX;

  const scene = trimPunctuation(cleanCapped(input.prompt, "prompt", "The prompt", PROMPT_MAX));
  const userNegative = cleanCapped(input.negativePrompt, "negativePrompt", "The negative prompt", NEGATIVE_PROMPT_MAX);
  if (findTriggers(userNegative).length > 0) {
    throw new BadInputError(
      `The negative prompt can't contain "img": it is PhotoMaker's trigger word and belongs only in the prompt, right after man, woman or person`,
      "negativePrompt",
    );
  }

  const gender: Gender = normalizeGender(input.gender);
  const own = findUserTrigger(scene, "prompt");
  let body: string;
  let classWord: ClassWord;
  if (own) {
    classWord = own.classWord;
    body = joinParts([own.text, ...personaWords(input, classWord).clause, ...look, quality]);
  } else {
    classWord = gender;
    const persona = personaWords(input, gender);
    const core = [...persona.before, gender].join(" ");
    const subject = [
      `${photographic ? "a photo of " : ""}${article(core)} ${core} ${TRIGGER}`,
      ...persona.after,
    ].join(" ");
    body = joinParts([subject, scene, ...look, quality]);
  }

  // A function replacer: a string one would expand "$&" or "$1" typed by the user.
  const prompt = preset.prompt.replace("{prompt}", () => body);

  const triggers = findTriggers(prompt);
  const at = triggers[0];
  if (triggers.length !== 1 || at === undefined || prompt[at - 1] !== " ") {
    throw new Error(`prompt builder invariant broken: ${triggers.length} triggers in the built prompt`);
  }
  if (countClipPieces(prompt.slice(0, at)) > TRIGGER_MAX_PIECES_BEFORE) {
    throw new BadInputError(
      `Put "${classWord} img" nearer the start of the prompt: PhotoMaker only reads about the first 70 words`,
      "prompt",
    );
  }
  // FLUX keeps no identity: the same words minus " img" ("a photo of a woman, wearing a suit").
  const fluxPrompt = prompt.slice(0, at - 1) + prompt.slice(at + TRIGGER.length);

  return {
    prompt,
    negativePrompt: mergeNegative(FACE_QUALITY_NEGATIVE_TERMS.join(", "), preset.negativePrompt, userNegative),
    fluxPrompt,
    classWord,
    style: preset.name,
    styleNotes: notes,
  };
}
