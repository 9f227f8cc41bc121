import type { FakeAnswer } from "../fakes/huggingface";

/**
 * Seeded randomness for chaos runs: CHAOS_SEED=<n> replays the same faults and kill moments
 * (the interleaving of concurrent work still varies). The seed is printed by each suite.
 */
export function chaosRandom(seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31))) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return {
    seed,
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

/** The fake Hugging Face server's whole catalogue, faults and good answers alike. */
export const CATALOGUE: readonly FakeAnswer[] = [
  "image", "b64json", "no-face", "bad-trigger", "no-input-image", "unauthorized",
  { kind: "rate-limit", retryAfterSeconds: 3 }, { kind: "rate-limit" }, { kind: "loading", estimatedTime: 20 },
  "server-error", "bad-gateway-html", "html-200", "unknown-json", "hang",
];

/** A fault script: roughly half good answers, half drawn from the whole catalogue. */
export function faultScript(rand: ReturnType<typeof chaosRandom>, length: number): FakeAnswer[] {
  return Array.from({ length }, () => (rand.next() < 0.45 ? "image" : rand.pick(CATALOGUE)));
}
