import { createRateLimiter, type RateLimiter } from "../api-tokens/rate-limit";
import { getServices } from "../services";
import type { RestDeps } from "./avatar-creator";

// One limiter per process, next to the process's other services (its counts are in the database).
let limiter: RateLimiter | undefined;

export async function getRestDeps(): Promise<RestDeps> {
  const { db, env, auth, jobs } = await getServices();
  limiter ??= createRateLimiter(db, env.API_RATE_LIMIT_PER_MINUTE);
  return { db, env, auth, jobs, limiter };
}
