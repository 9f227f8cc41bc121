import { BadInputError } from "../errors";
import { type ClassWord, cleanCapped, findTriggers } from "./text";

/**
 * Gender and persona fields → the words woven around the class word:
 * "a 34-year-old East Asian woman img named Mei" / "… woman img in her 30s named Mei".
 */

export type Gender = ClassWord;

const GENDER_SYNONYMS: Readonly<Record<Gender, readonly string[]>> = {
  man: ["man", "male", "m", "men", "boy", "guy", "masculine", "trans man", "transgender man"],
  woman: ["woman", "female", "f", "women", "girl", "lady", "feminine", "trans woman", "transgender woman"],
  person: [
    "person", "", "non-binary", "nonbinary", "non binary", "nb", "enby", "other", "x", "neutral",
    "agender", "genderqueer", "genderfluid", "unspecified", "unknown", "prefer not to say", "any",
  ],
};

/** Case-insensitive; missing or empty → "person" (PhotoMaker needs a class word either way). */
export function normalizeGender(raw: string | null | undefined): Gender {
  const key = (raw ?? "").trim().toLowerCase().replace(/[\s_]+/g, " ");
  for (const [gender, words] of Object.entries(GENDER_SYNONYMS) as [Gender, readonly string[]][]) {
    if (words.includes(key)) return gender;
  }
  throw new BadInputError(`Gender must be man, woman or person (got "${key.slice(0, 40)}")`, "gender");
}

export const PERSONA_NAME_MAX = 60;
export const ETHNICITY_MAX = 60;
export const AGE_RANGE_MAX = 30;

const PRONOUN: Readonly<Record<Gender, string>> = { man: "his", woman: "her", person: "their" };

export interface PersonaInput {
  personaName?: string;
  personaAge?: number;
  ageRange?: string;
  ethnicity?: string;
}

export interface PersonaWords {
  /** Before the class word: ["34-year-old", "East Asian"]. */
  before: string[];
  /** After the trigger: ["in her 30s", "named Mei"]. */
  after: string[];
  /** The same facts as a comma list, for a prompt the user wrote themselves. */
  clause: string[];
}

/**
 * Cleans one short field: only letters, marks, digits and a few joiners survive, so a
 * persona field can't add commas, brackets or quotes to the prompt; "img" anywhere is refused
 * (a name like "Img" or "Kimgo" would otherwise become a second trigger).
 */
export function shortField(raw: string | undefined, field: string, label: string, max: number, keep: RegExp): string {
  const text = cleanCapped(raw, field, label, max).replace(keep, " ").replace(/\s+/g, " ").trim();
  if (findTriggers(text).length > 0) {
    throw new BadInputError(`${label} can't contain "img": it is PhotoMaker's trigger word`, field);
  }
  return text;
}

function ageWords(input: PersonaInput, gender: Gender): Pick<PersonaWords, "before" | "after" | "clause"> {
  if (input.personaAge !== undefined && input.personaAge !== null) {
    const age = Math.round(Number(input.personaAge));
    if (!Number.isFinite(age) || age < 1 || age > 120) {
      throw new BadInputError("Persona age must be a number of years between 1 and 120", "personaAge");
    }
    // The exact age wins over an age range: it is the more specific of the two.
    return { before: [`${age}-year-old`], after: [], clause: [`${age} years old`] };
  }
  const range = shortField(input.ageRange, "ageRange", "The age range", AGE_RANGE_MAX, /[^\p{L}\p{N} +'’–—-]/gu);
  if (!range) return { before: [], after: [], clause: [] };
  let m: RegExpExecArray | null;
  const phrase = (p: string) => ({ before: [], after: [p], clause: [p] });
  if ((m = /^(\d{1,3}) ?(?:-|–|—|to) ?(\d{1,3})$/i.exec(range))) return phrase(`aged ${m[1]} to ${m[2]}`);
  if ((m = /^(\d{1,3}) ?(?:\+|or older|and over|and up)$/i.exec(range))) return phrase(`aged ${m[1]} or older`);
  if ((m = /^([1-9]0) ?['’]?s$/i.exec(range))) return phrase(`in ${PRONOUN[gender]} ${m[1]}s`);
  if ((m = /^(\d{1,3})$/.exec(range))) return { before: [`${m[1]}-year-old`], after: [], clause: [`${m[1]} years old`] };
  if (/^[\p{L} '’-]+$/u.test(range)) {
    const words = range.toLowerCase();
    return { before: [words], after: [], clause: [words] };
  }
  throw new BadInputError(`Age range should look like "25-34", "30s", "65+" or words such as "middle-aged"`, "ageRange");
}

export function personaWords(input: PersonaInput, gender: Gender): PersonaWords {
  const age = ageWords(input, gender);
  const ethnicity = shortField(input.ethnicity, "ethnicity", "Ethnicity", ETHNICITY_MAX, /[^\p{L}\p{M} /'’-]/gu);
  const name = shortField(input.personaName, "personaName", "The persona name", PERSONA_NAME_MAX, /[^\p{L}\p{M}\p{N} .'’-]/gu);
  const named = name ? [`named ${name}`] : [];
  return {
    before: [...age.before, ...(ethnicity ? [ethnicity] : [])],
    after: [...age.after, ...named],
    clause: [...age.clause, ...(ethnicity ? [ethnicity] : []), ...named],
  };
}

/** "a" or "an" by sound: "an 18-year-old", "an East Asian", "a European", "a 100-year-old". */
export function article(phrase: string): "a" | "an" {
  const digits = /^\d+/.exec(phrase)?.[0];
  if (digits) return digits.startsWith("8") || digits === "11" || digits === "18" ? "an" : "a";
  if (/^(eu|uni|uk|uru|use|usu|one)/i.test(phrase)) return "a";
  return /^[aeiou]/i.test(phrase) ? "an" : "a";
}
