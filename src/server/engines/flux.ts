/**
 * FLUX, whoever serves it. schnell is distilled for 4 steps without guidance; dev wants ~28 steps
 * and guidance 3.5. FLUX keeps no identity, so its prompt never carries PhotoMaker's trigger.
 */
export function fluxSteps(model: string): { steps: number; guidance: number } {
  return /schnell/i.test(model) ? { steps: 4, guidance: 0 } : { steps: 28, guidance: 3.5 };
}

/** Defensive: the prompt builder gives FLUX a trigger-free prompt, but `img` must never reach it. */
export function withoutTrigger(prompt: string): string {
  return prompt.replace(/\s*\bimg\b/g, "").replace(/\s{2,}/g, " ").trim();
}
