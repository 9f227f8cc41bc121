/**
 * Submits per token per window, counted in this process's memory: right for the single-process
 * server (`npm start`). Several processes would each count on their own; move this to the
 * database or Redis before scaling out.
 */
export interface RateLimiter {
  /** Counts one request; `retryAfterSeconds` is set when it is refused. */
  take(key: string, now?: number): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export function createRateLimiter(limit: number, windowMs = 60_000): RateLimiter {
  // A sliding log: the times of the requests still inside the window, oldest first.
  const hits = new Map<string, number[]>();
  let lastSweep = 0;
  return {
    take(key, now = Date.now()) {
      if (now - lastSweep > windowMs) {
        lastSweep = now;
        for (const [k, times] of hits) if (times.at(-1)! <= now - windowMs) hits.delete(k);
      }
      const times = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
      if (times.length >= limit) {
        hits.set(key, times);
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000)) };
      }
      times.push(now);
      hits.set(key, times);
      return { allowed: true };
    },
  };
}
