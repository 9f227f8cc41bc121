import type { TestUser } from "./app";

/** Polls generation.get until the generation is finished (or the time is up). */
export async function waitForGeneration(user: TestUser, id: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const g = await user.caller.generation.get({ id });
    if (g.status === "succeeded" || g.status === "failed") return g;
    if (Date.now() > until) throw new Error(`Generation ${id} still ${g.status}/${g.stage} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
