import { BadInputError } from "../errors";
import { findStyle, STYLE_NAMES } from "../prompt/styles";

/**
 * A batch: one submission (one upload, one face check, one charge transaction) that makes several
 * generations, one per style preset and/or per seed ("variations"). This file decides what each
 * member is; submit.ts and store.ts run them. A single style and no variations is a batch of one,
 * which is exactly a plain generation.
 */

export const BATCH_MAX = 4;

export interface BatchChoice {
  /** The styles asked for (the form's repeated `style` field), in order; empty = the default. */
  styles: string[];
  /** How many seeds per style (the form's `variations`), 1 by default. */
  variations: number;
}

export interface BatchMember {
  style: string | undefined;
  seed: number | undefined;
}

/**
 * The members, style by style then seed by seed. With a seed given, the variations of a style
 * use it, it + 1, …; without, each member gets its own random seed (left undefined here).
 * Several styles must be preset names, each once: free words about the look go in style notes.
 */
export function planBatch(choice: BatchChoice, seed: number | undefined): BatchMember[] {
  const { styles, variations } = choice;
  if (!Number.isInteger(variations) || variations < 1 || variations > BATCH_MAX) {
    throw new BadInputError(`variations: Ask for 1 to ${BATCH_MAX} variations`, "variations");
  }
  if (styles.length > BATCH_MAX) {
    throw new BadInputError(`style: Choose at most ${BATCH_MAX} styles in one submission`, "style");
  }
  if (styles.length > 1) {
    const seen = new Set<string>();
    for (const style of styles) {
      const preset = findStyle(style);
      if (!preset) {
        throw new BadInputError(`style: "${style}" isn't a style preset; with several styles, each must be one of: ${STYLE_NAMES.join(", ")}`, "style");
      }
      if (seen.has(preset.name)) throw new BadInputError(`style: "${preset.name}" is chosen twice; ask for variations instead`, "style");
      seen.add(preset.name);
    }
  }
  const count = Math.max(1, styles.length) * variations;
  if (count > BATCH_MAX) {
    throw new BadInputError(
      `variations: At most ${BATCH_MAX} avatars per submission: ${styles.length} styles × ${variations} variations would make ${count}`,
      "variations",
    );
  }
  const perStyle: Array<string | undefined> = styles.length > 0 ? styles : [undefined];
  return perStyle.flatMap((style) =>
    Array.from({ length: variations }, (_, i) => ({
      style,
      seed: seed === undefined ? undefined : (seed + i) % 2_147_483_648,
    })),
  );
}
