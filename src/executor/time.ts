/** Durations and delays. Every delay the executor waits goes through a `Clock` so tests can shrink it. */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses the SDK's duration strings (`"5s"`, `"1h30m"`, `"2w"`; built by its `timeStr`).
 * Returns milliseconds, or null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? 0);
  }
  return total;
}

/** Milliseconds from `now` until a duration or an ISO date (a `Sleep` op's `name`). */
export function delayUntil(durationOrDate: string, now: number): number | null {
  const duration = parseDuration(durationOrDate);
  if (duration !== null) return duration;
  const at = Date.parse(durationOrDate);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A `retry-after` header: seconds, or an HTTP/ISO date. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (header.trim() !== "" && Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 3_600_000;

/**
 * Exponential backoff with jitter after failed attempt `attempt` (0-based): ~10 s, 20 s, 40 s...
 * capped at an hour, like Inngest's own schedule in spirit.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The executor's view of time: real `now`, and logical delays multiplied by `scale`. */
export interface Clock {
  now(): number;
  /** A logical delay (sleep, backoff, retry-after, wait timeout) in real milliseconds. */
  scale(ms: number): number;
}

export function createClock(timeScale = 1): Clock {
  if (!(timeScale >= 0)) throw new Error(`timeScale must be a number >= 0, got ${timeScale}`);
  return { now: () => Date.now(), scale: (ms) => Math.round(ms * timeScale) };
}

/** Resolves after `ms`, or at once when `wake()` is called (the scheduler's idle wait). */
export function createWaker(): { sleep(ms: number): Promise<void>; wake(): void } {
  let pending: (() => void) | null = null;
  let woken = false;
  return {
    sleep(ms) {
      if (woken) {
        woken = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          pending = null;
          resolve();
        }
        pending = done;
      });
    },
    wake() {
      if (pending) pending();
      else woken = true;
    },
  };
}
