import type { GenerationInput } from "../engines/types";
import type { Tier } from "../tiers";

/**
 * Everything a generation needs, frozen when it is submitted: what the user asked for, the
 * prompts as built, and the tier's model parameters. "Generate again" reuses it as is.
 */
export interface GenerationSettings {
  name: string;
  tier: Tier;
  modelKey: string;
  // what the user wrote
  prompt: string;
  negativePrompt: string | null;
  personaName: string | null;
  personaAge: number | null;
  gender: string | null;
  ageRange: string | null;
  ethnicity: string | null;
  style: string;
  /** Free words about the look, folded into the prompt (absent on generations made before it existed). */
  styleNotes?: string | null;
  styleStrength: number;
  seed: number;
  // as built for the engines
  builtPrompt: string;
  builtNegativePrompt: string;
  fluxPrompt: string;
  styleStrengthRatio: number;
  width: number;
  height: number;
  steps: number;
  guidance: number;
}

/** What an engine is asked for: the frozen settings plus the (face-cropped) photos. */
export function engineInputFrom(settings: GenerationSettings, photos: Buffer[]): GenerationInput {
  return {
    prompt: settings.builtPrompt,
    negativePrompt: settings.builtNegativePrompt,
    fluxPrompt: settings.fluxPrompt,
    photos,
    width: settings.width,
    height: settings.height,
    steps: settings.steps,
    guidance: settings.guidance,
    styleStrengthRatio: settings.styleStrengthRatio,
    seed: settings.seed,
    style: settings.style,
  };
}
