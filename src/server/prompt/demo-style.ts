import { mergeNegative } from "./negative";
import { findStyle } from "./styles";

/**
 * For a model that applies PhotoMaker's style templates itself (Replicate's `tencentarc/photomaker`,
 * built from predict.py of TencentARC/PhotoMaker: `style_name` picks the template, whose prompt wraps
 * ours through "{prompt}" and whose negative prompt goes before ours). Our builder has already
 * applied the template, so sending the built prompt as is would style it twice: this takes the
 * template back off.
 */

/** Where the demo's spelling differs from ours (Cog validates `style_name` against the demo's names). */
const DEMO_SPELLING: Readonly<Record<string, string>> = { "Disney Character": "Disney Charactor" };

export interface DemoStyled {
  /** The preset's name as the demo spells it. */
  styleName: string;
  /** What our builder put into the template's "{prompt}" slot (the one `img` is in it). */
  prompt: string;
  /** Our negative prompt without the preset's own terms (the model adds those back). */
  negativePrompt: string;
}

/**
 * Splits a built prompt back into the preset's name and the text in its slot. When the prompt was
 * not made with that template (an old snapshot, an unknown style), everything goes as written with
 * "(No style)", which applies no template: still styled exactly once.
 */
export function splitStyled(style: string, builtPrompt: string, builtNegative: string): DemoStyled {
  const preset = findStyle(style);
  const slot = preset?.prompt.indexOf("{prompt}") ?? -1;
  if (preset && slot >= 0) {
    const prefix = preset.prompt.slice(0, slot);
    const suffix = preset.prompt.slice(slot + "{prompt}".length);
    const fits = builtPrompt.length >= prefix.length + suffix.length && builtPrompt.startsWith(prefix) && builtPrompt.endsWith(suffix);
    if (fits) {
      return {
        styleName: DEMO_SPELLING[preset.name] ?? preset.name,
        prompt: builtPrompt.slice(prefix.length, builtPrompt.length - suffix.length),
        negativePrompt: withoutTerms(builtNegative, preset.negativePrompt),
      };
    }
  }
  return { styleName: "(No style)", prompt: builtPrompt, negativePrompt: builtNegative };
}

/** `list` minus every term of `remove` (compared as mergeNegative compares them). */
function withoutTerms(list: string, remove: string): string {
  const key = (t: string) => mergeNegative(t).toLowerCase().replace(/[()[\]{}]/g, "");
  const removed = new Set(remove.split(",").map(key).filter(Boolean));
  return mergeNegative(
    list
      .split(",")
      .filter((t) => !removed.has(key(t)))
      .join(","),
  );
}
