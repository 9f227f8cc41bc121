import { QUEUE_PRIORITY_SECONDS, type Tier } from "../tiers";

/** Event names the app sends and its functions listen to. */
export const GENERATION_REQUESTED = "avatar/generate.requested";
/** Ends a generation's run: generate-avatar's `cancelOn` (Inngest, and the local executor). */
export const GENERATION_CANCELLED = "avatar/generate.cancelled";

export interface GenerationRequestedData {
  generationId: string;
  /** Seconds ahead in the queue (see QUEUE_PRIORITY_SECONDS in tiers.ts). */
  priority: number;
}

/**
 * The event that starts a generation's run. Its `id` is derived from the generation, so sending
 * it again (the resend sweep in generations/sweeper.ts) never starts a second run: Inngest and
 * the local executor both ignore an event id they have seen.
 */
export function generationRequested(generation: { id: string; tier: Tier }) {
  const data: GenerationRequestedData = { generationId: generation.id, priority: QUEUE_PRIORITY_SECONDS[generation.tier] };
  return { id: `generation-requested:${generation.id}`, name: GENERATION_REQUESTED, data };
}

/** The event that cancels a generation's run (each send is its own event: no id to dedupe on). */
export function generationCancelled(generationId: string) {
  return { name: GENERATION_CANCELLED, data: { generationId } };
}
