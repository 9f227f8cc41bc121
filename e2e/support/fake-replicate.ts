import { fakeReplicateUrl } from "./env";

/** The fake Replicate server's control API (test/fakes/replicate.ts), from the test process. */

type Answer = string | { kind: "rate-limit"; retryAfterSeconds?: number } | { kind: "cold-start"; startingMs: number };

export interface PredictionState {
  id: string;
  target: "photomaker" | "flux";
  status: string;
  input: Record<string, unknown>;
  photoCount: number;
  canceledBy: string | null;
}

async function control(path: string, body: unknown = {}) {
  const res = await fetch(`${fakeReplicateUrl}/__fake/${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  if (!res.ok) throw new Error(`fake replicate ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<unknown>;
}

export const fakeReplicate = {
  reset: () => control("reset"),
  enqueue: (answers: Answer[], target: "photomaker" | "flux" = "photomaker") => control("enqueue", { answers, target }),
  async state(): Promise<{ predictions: PredictionState[]; running: string[]; files: string[] }> {
    const res = await fetch(`${fakeReplicateUrl}/__fake/state`);
    return (await res.json()) as { predictions: PredictionState[]; running: string[]; files: string[] };
  },
};
