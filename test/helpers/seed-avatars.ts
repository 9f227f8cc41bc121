import { randomUUID } from "node:crypto";
import type { Database } from "~/server/db/client";
import { avatars, generations } from "~/server/db/schema";
import { buildSettings } from "~/server/generations/submit";
import { TIER_MODELS } from "~/server/tiers";

/**
 * Finished generations with their avatars, as the workflow leaves them (rows only, no files):
 * avatar i is named "Avatar i" and is one minute newer than avatar i−1. For the API benchmark and
 * the list tests.
 */
export async function seedAvatars(db: Database, userId: string, projectId: string, count: number, prefix = "seed") {
  const model = TIER_MODELS.basic;
  const rows = Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    const settings = buildSettings({ name: `Avatar ${i}`, prompt: "studio portrait, soft light", gender: "woman", seed: i }, "basic");
    const at = new Date(Date.now() - (count - i) * 60_000);
    return {
      generation: {
        id, userId, projectId, modelKey: model.key, tier: "basic" as const, status: "succeeded" as const,
        stage: "succeeded" as const, creditCost: model.creditCost, idempotencyKey: `${prefix}-${i}`, photoCount: 1, engine: "photomaker" as const,
        settings: settings as unknown as Record<string, unknown>, createdAt: at, startedAt: at, completedAt: new Date(at.getTime() + 40_000),
        attempts: [{ engine: "photomaker" as const, attempt: 1, startedAt: at.toISOString(), durationMs: 38_000, errorCode: null, retryDelayMs: null }],
      },
      avatar: {
        id: randomUUID(), generationId: id, userId, projectId, imageKey: `avatars/${userId}/${id}/full.png`,
        thumbnailKey: `avatars/${userId}/${id}/thumb.webp`, width: 512, height: 512, engine: "photomaker" as const,
        model: "TencentARC/PhotoMaker-V2", createdAt: new Date(at.getTime() + 40_000),
      },
    };
  });
  if (count === 0) return [];
  // In chunks: one statement's parameters are limited (65,535), and the bench seeds 10,000.
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await db.insert(generations).values(chunk.map((r) => r.generation));
    await db.insert(avatars).values(chunk.map((r) => r.avatar));
  }
  return rows;
}
