import { sql } from "drizzle-orm";
import { ALL_MODELS } from "../tiers";
import type { Database } from "./client";
import { aiModels } from "./schema";

/** Upserts the model table from the price list; running it twice changes nothing. */
export async function seedModels(db: Database): Promise<void> {
  await db
    .insert(aiModels)
    .values(ALL_MODELS.map((m) => ({ ...m, updatedAt: new Date() })))
    .onConflictDoUpdate({
      target: aiModels.key,
      set: {
        engine: sql`excluded.engine`,
        modelId: sql`excluded.model_id`,
        tier: sql`excluded.tier`,
        creditCost: sql`excluded.credit_cost`,
        width: sql`excluded.width`,
        height: sql`excluded.height`,
        steps: sql`excluded.steps`,
        styleStrength: sql`excluded.style_strength`,
        guidance: sql`excluded.guidance`,
        isFallback: sql`excluded.is_fallback`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}
