/** Event names the app sends and its functions listen to. */
export const GENERATION_REQUESTED = "avatar/generate.requested";

export interface GenerationRequestedData {
  generationId: string;
  /** Seconds ahead in the queue (see QUEUE_PRIORITY_SECONDS in tiers.ts). */
  priority: number;
}
