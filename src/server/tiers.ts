/**
 * The price list: the three PhotoMaker tiers, the FLUX fallback, and which plan may use which
 * tier. The ai_models table is seeded from here; nothing else should restate these numbers.
 */

export const TIERS = ["basic", "pro", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];

export const PLANS = ["free", "basic", "pro", "enterprise"] as const;
export type Plan = (typeof PLANS)[number];

export const PHOTOMAKER_MODEL_ID = "TencentARC/PhotoMaker-V2";
export const FLUX_MODEL_ID = "black-forest-labs/FLUX.1-schnell";

export interface ModelSpec {
  key: string;
  engine: "photomaker" | "flux";
  modelId: string;
  tier: Tier | null;
  creditCost: number;
  width: number;
  height: number;
  steps: number;
  /** PhotoMaker's identity/style balance (0.5–0.95, higher keeps more identity); none for FLUX. */
  styleStrength: number | null;
  guidance: number;
  isFallback: boolean;
}

export const TIER_MODELS: Record<Tier, ModelSpec> = {
  basic: {
    key: "photomaker-v2-basic",
    engine: "photomaker",
    modelId: PHOTOMAKER_MODEL_ID,
    tier: "basic",
    creditCost: 18,
    width: 512,
    height: 512,
    steps: 30,
    styleStrength: 0.8,
    guidance: 5,
    isFallback: false,
  },
  pro: {
    key: "photomaker-v2-pro",
    engine: "photomaker",
    modelId: PHOTOMAKER_MODEL_ID,
    tier: "pro",
    creditCost: 25,
    width: 1024,
    height: 1024,
    steps: 35,
    styleStrength: 0.85,
    guidance: 5,
    isFallback: false,
  },
  enterprise: {
    key: "photomaker-v2-enterprise",
    engine: "photomaker",
    modelId: PHOTOMAKER_MODEL_ID,
    tier: "enterprise",
    creditCost: 35,
    width: 1536,
    height: 1536,
    steps: 40,
    styleStrength: 0.9,
    guidance: 5,
    isFallback: false,
  },
};

/** Stands in when PhotoMaker keeps failing; keeps no identity, so never used for "no face". */
export const FLUX_FALLBACK: ModelSpec = {
  key: "flux-schnell-fallback",
  engine: "flux",
  modelId: FLUX_MODEL_ID,
  tier: null,
  creditCost: 0,
  width: 1024,
  height: 1024,
  steps: 4,
  styleStrength: null,
  guidance: 0,
  isFallback: true,
};

export const ALL_MODELS: readonly ModelSpec[] = [...TIERS.map((t) => TIER_MODELS[t]), FLUX_FALLBACK];

/** Which tiers each plan may use. */
const PLAN_TIERS: Record<Plan, readonly Tier[]> = {
  free: ["basic"],
  basic: ["basic"],
  pro: ["basic", "pro"],
  enterprise: ["basic", "pro", "enterprise"],
};

export function tiersForPlan(plan: Plan): readonly Tier[] {
  return PLAN_TIERS[plan];
}

export function planAllowsTier(plan: Plan, tier: Tier): boolean {
  return PLAN_TIERS[plan].includes(tier);
}

/** The best tier a plan allows: the default when a request names none. */
export function bestTierForPlan(plan: Plan): Tier {
  const tiers = PLAN_TIERS[plan];
  return tiers[tiers.length - 1] ?? "basic";
}

/** How many seconds ahead of Basic a tier's generations start when the queue is busy. */
export const QUEUE_PRIORITY_SECONDS: Record<Tier, number> = { basic: 0, pro: 60, enterprise: 120 };
