import { BadInputError } from "../errors";

/**
 * The one place our `styleStrength` meets PhotoMaker's `style_strength_ratio`.
 *
 * - Ours (the form's slider): 0.5 … 0.95, HIGHER keeps more of the person's identity.
 * - PhotoMaker's: 15 … 50 %, the share of denoising steps run on text alone before the face
 *   embedding is merged in (start_merge_step = ratio/100 × steps, capped at 30 in the demo),
 *   so LOWER keeps more identity.
 *
 * Linear and inverted: 0.5 → 50 %, 0.95 → 15 %. Values outside 0.5–0.95 are clamped rather
 * than refused, so an old snapshot or a hand-written API call still runs at the nearest end.
 */
export const STYLE_STRENGTH_MIN = 0.5;
export const STYLE_STRENGTH_MAX = 0.95;
export const STYLE_STRENGTH_RATIO_MIN = 15;
export const STYLE_STRENGTH_RATIO_MAX = 50;

/** ≈ the demo's default of 20 % (0.89 → 19.67 %). */
export const DEFAULT_STYLE_STRENGTH = 0.89;

/** Our styleStrength → PhotoMaker's style_strength_ratio in percent, rounded to 0.01. */
export function styleStrengthToRatio(styleStrength: number): number {
  if (typeof styleStrength !== "number" || Number.isNaN(styleStrength)) {
    throw new BadInputError("Style strength must be a number between 0.5 and 0.95", "styleStrength");
  }
  const s = Math.min(STYLE_STRENGTH_MAX, Math.max(STYLE_STRENGTH_MIN, styleStrength));
  const t = (s - STYLE_STRENGTH_MIN) / (STYLE_STRENGTH_MAX - STYLE_STRENGTH_MIN); // 0 … 1
  const ratio = STYLE_STRENGTH_RATIO_MAX - t * (STYLE_STRENGTH_RATIO_MAX - STYLE_STRENGTH_RATIO_MIN);
  return Math.round(ratio * 100) / 100;
}
