import { splitStyled } from "../prompt/demo-style";
import { fluxSteps } from "./flux";
import type { GenerationInput } from "./types";

/**
 * What Replicate's models receive. PhotoMaker: the input schema of `tencentarc/photomaker`
 * (predict.py of TencentARC/PhotoMaker, the Cog model on Replicate): input_image (required) and
 * input_image2…4, prompt, style_name, negative_prompt, num_steps (1–100), style_strength_ratio
 * (15–50), num_outputs (1–4), guidance_scale (1–10), seed (0–2147483647), disable_safety_checker.
 * It has no width or height: it always makes SDXL's 1024×1024, fitted to the tier afterwards.
 */

export const PHOTOMAKER_IMAGE_FIELDS = ["input_image", "input_image2", "input_image3", "input_image4"] as const;
const MAX_SEED = 2_147_483_647;

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/** `images`: one URL per photo (data: URIs or uploaded files), at most four. */
export function photomakerInput(input: GenerationInput, images: readonly string[]): Record<string, unknown> {
  if (images.length === 0 || images.length > PHOTOMAKER_IMAGE_FIELDS.length) {
    throw new Error(`PhotoMaker takes 1–4 photos, got ${images.length}`);
  }
  // The model applies the style template itself: send what our builder put into it.
  const styled = splitStyled(input.style, input.prompt, input.negativePrompt);
  return {
    ...Object.fromEntries(images.map((url, i) => [PHOTOMAKER_IMAGE_FIELDS[i], url])),
    prompt: styled.prompt,
    style_name: styled.styleName,
    negative_prompt: styled.negativePrompt,
    num_steps: clamp(Math.round(input.steps), 1, 100),
    style_strength_ratio: clamp(input.styleStrengthRatio, 15, 50),
    num_outputs: 1,
    guidance_scale: clamp(input.guidance, 1, 10),
    seed: clamp(Math.round(input.seed), 0, MAX_SEED),
    disable_safety_checker: false,
  };
}

/** The aspect ratios FLUX on Replicate offers (black-forest-labs/flux-schnell, flux-dev). */
const ASPECT_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"] as const;

export function nearestAspectRatio(width: number, height: number): string {
  const wanted = width / height;
  const ratio = (r: string) => {
    const [w, h] = r.split(":").map(Number);
    return w! / h!;
  };
  return ASPECT_RATIOS.reduce((best, r) => (Math.abs(Math.log(ratio(r) / wanted)) < Math.abs(Math.log(ratio(best) / wanted)) ? r : best));
}

/** FLUX keeps no identity: no photos, the trigger-free prompt, PNG out, the safety checker on. */
export function fluxInput(model: string, input: GenerationInput, prompt: string): Record<string, unknown> {
  const { steps, guidance } = fluxSteps(model);
  return {
    prompt,
    seed: clamp(Math.round(input.seed), 0, MAX_SEED),
    num_outputs: 1,
    aspect_ratio: nearestAspectRatio(input.width, input.height),
    output_format: "png",
    num_inference_steps: steps,
    ...(guidance > 0 && { guidance }),
    disable_safety_checker: false,
  };
}
