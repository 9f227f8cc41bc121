import { readFileSync } from "node:fs";

/**
 * The API benchmark's bare comparison (scripts/bench/api.ts): a plain route handler answering a
 * JSON file, parsed once, through the same Next.js server as the app's routes. Off (404) unless
 * BENCH_BARE_JSON names the file, so a normal deployment has no such route.
 */
export const dynamic = "force-dynamic";

let data: unknown;

export function GET(): Response {
  const file = process.env.BENCH_BARE_JSON;
  if (!file) return new Response("Not found", { status: 404 });
  data ??= JSON.parse(readFileSync(file, "utf8"));
  return Response.json(data);
}
