/**
 * The face-quality negative terms every generation starts from: the 18 of PhotoMaker's demo
 * default negative prompt (gradio_demo/app_v2.py), in the demo's order, then 10 aimed at the
 * face, which is what an avatar is judged on. 28 in all (a test holds the count).
 */

const DEMO_DEFAULT_NEGATIVE = [
  "nsfw",
  "lowres",
  "bad anatomy",
  "bad hands",
  "text",
  "error",
  "missing fingers",
  "extra digit",
  "fewer digits",
  "cropped",
  "worst quality",
  "low quality",
  "normal quality",
  "jpeg artifacts",
  "signature",
  "watermark",
  "username",
  "blurry",
] as const;

const FACE_NEGATIVE = [
  "deformed face",
  "asymmetric eyes",
  "cross-eyed",
  "disfigured face",
  "distorted face",
  "poorly drawn face",
  "mutated face",
  "extra eyes",
  "bad teeth",
  "unnatural skin",
] as const;

export const FACE_QUALITY_NEGATIVE_TERMS: readonly string[] = Object.freeze([...DEMO_DEFAULT_NEGATIVE, ...FACE_NEGATIVE]);

/** Comparison key: case, spacing and the demo's "(term)" weighting brackets don't make a term new. */
const termKey = (term: string) =>
  term
    .toLowerCase()
    .replace(/[()[\]{}]/g, "")
    .replace(/\s+/g, " ")
    .trim();

/**
 * Joins comma-separated lists into one, in order, keeping each term's first spelling and
 * dropping repeats and empties.
 */
export function mergeNegative(...lists: readonly string[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const raw of list.split(",")) {
      const term = raw.replace(/\s+/g, " ").trim();
      const key = termKey(term);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      out.push(term);
    }
  }
  return out.join(", ");
}
