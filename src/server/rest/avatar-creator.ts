import { createCaller } from "../api/root";
import type { Context } from "../api/trpc";
import { authenticateBearer } from "../api-tokens/tokens";
import type { RateLimiter } from "../api-tokens/rate-limit";
import { listGenerationAvatars } from "../generations/tiles";
import { avatarImageResponse } from "../images";
import { readMultipart } from "./body";
import { errorResponse, restError } from "./errors";

/**
 * The documented REST API, as one function from Request to Response (the Next.js route under
 * src/app/api/avatar-creator only calls it). A thin adapter: a bearer token becomes a tRPC
 * caller acting as the token's owner, so intake, checks, charging and the workflow are exactly
 * the browser's.
 *
 *   POST /api/avatar-creator/projects/:projectId/avatars/generate-with-photo   (multipart)
 *   GET  /api/avatar-creator/generations/:id                                   (poll)
 *   GET  /api/avatar-creator/avatars/:id/image?size=full|thumb                 (the result)
 */
export interface RestDeps extends Omit<Context, "user"> {
  /** Generation submits per token (see API_RATE_LIMIT_PER_MINUTE). */
  limiter: RateLimiter;
}

const BASE = "/api/avatar-creator";
const GENERATE = /^\/projects\/([^/]+)\/avatars\/generate-with-photo$/;
const GENERATION = /^\/generations\/([^/]+)$/;
const IMAGE = /^\/avatars\/([^/]+)\/image$/;

export async function handleAvatarCreatorRequest(req: Request, deps: RestDeps): Promise<Response> {
  try {
    const url = new URL(req.url);
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length).replace(/\/$/, "") : "";
    const route = (pattern: RegExp, method: "GET" | "POST") => {
      const match = pattern.exec(path);
      if (!match) return undefined;
      if (req.method !== method) return { id: null, wrongMethod: method };
      return { id: safeDecode(match[1]!), wrongMethod: null };
    };
    for (const [pattern, method, handler] of [
      [GENERATE, "POST", generateWithPhoto],
      [GENERATION, "GET", generationStatus],
      [IMAGE, "GET", avatarImage],
    ] as const) {
      const hit = route(pattern, method);
      if (!hit) continue;
      if (hit.wrongMethod) return restError(405, "METHOD_NOT_SUPPORTED", `Use ${hit.wrongMethod} here`, null, { allow: hit.wrongMethod });
      if (hit.id === null) return restError(404, "NOT_FOUND", "Not found");
      return await handler(req, hit.id, deps);
    }
    return restError(404, "NOT_FOUND", `No such route: ${req.method} ${url.pathname}`);
  } catch (error) {
    return errorResponse(error);
  }
}

/** The token's owner as a tRPC caller, or the 401 to send. */
async function callerFor(req: Request, deps: RestDeps) {
  const found = await authenticateBearer(deps, req.headers.get("authorization"));
  if (!found) {
    return restError(401, "UNAUTHORIZED", "Send a valid API token: Authorization: Bearer <token> (create one in Settings → API tokens)", null, {
      "www-authenticate": 'Bearer realm="avatar-creator"',
    });
  }
  const { limiter: _limiter, ...context } = deps;
  return { tokenId: found.tokenId, userId: found.user.id, caller: createCaller({ ...context, user: found.user }) };
}

async function generateWithPhoto(req: Request, projectId: string, deps: RestDeps): Promise<Response> {
  const who = await callerFor(req, deps);
  if (who instanceof Response) return who;
  const allowed = await deps.limiter.take(who.tokenId);
  if (!allowed.allowed) {
    return restError(429, "TOO_MANY_REQUESTS", `Too many generation requests for this token; try again in ${allowed.retryAfterSeconds} s`, null, {
      "retry-after": String(allowed.retryAfterSeconds),
    });
  }
  const body = await readMultipart(req);
  if (body instanceof Response) return body;

  // The guide's fields go through as sent; the project comes from the path and the
  // idempotency key from its header, never from the body.
  const form = new FormData();
  for (const [key, value] of body.entries()) if (key !== "projectId" && key !== "idempotencyKey") form.append(key, value);
  form.set("projectId", projectId);
  const idempotencyKey = req.headers.get("idempotency-key");
  if (idempotencyKey) form.set("idempotencyKey", idempotencyKey);

  // A batch: `style` repeated (one generation per preset) and/or `variations=N`; `generation` is
  // the first, `generations` all of them, each with its own status URL.
  const result = await who.caller.avatar.generateWithPhotoMaker(form);
  const statusOf = (id: string) => new URL(`${BASE}/generations/${encodeURIComponent(id)}`, req.url).toString();
  const statusUrl = statusOf(result.generationId);
  return Response.json(
    {
      generation: result.generation,
      generations: result.generations.map((g) => ({ ...g, statusUrl: statusOf(g.id) })),
      warnings: result.warnings,
      replayed: result.replayed,
      statusUrl,
    },
    { status: 201, headers: { location: statusUrl, ...(result.replayed ? { "idempotent-replayed": "true" } : {}) } },
  );
}

async function generationStatus(req: Request, id: string, deps: RestDeps): Promise<Response> {
  const who = await callerFor(req, deps);
  if (who instanceof Response) return who;
  const generation = await who.caller.generation.get({ id });
  const avatars =
    generation.status === "succeeded"
      ? (await listGenerationAvatars(deps.db, who.userId, generation.id)).map((a) => ({
            id: a.id,
            width: a.width,
            height: a.height,
            engine: a.engine,
            offlinePreview: a.offlinePreview,
            imageUrl: new URL(`${BASE}/avatars/${a.id}/image?size=full`, req.url).toString(),
            thumbnailUrl: new URL(`${BASE}/avatars/${a.id}/image?size=thumb`, req.url).toString(),
          }))
      : [];
  return Response.json({ generation: { ...generation, avatars } }, { headers: { "cache-control": "no-store" } });
}

/** The image behind an avatar URL, for the same bearer token (the browser's image route uses the cookie). */
async function avatarImage(req: Request, id: string, deps: RestDeps): Promise<Response> {
  const who = await callerFor(req, deps);
  if (who instanceof Response) return who;
  // With IMAGE_DELIVERY=redirect a 302 to the bucket (scripts follow it: curl -L), as in the browser.
  const res = await avatarImageResponse({ db: deps.db, storage: deps.jobs.storage, delivery: deps.env.IMAGE_DELIVERY }, who.userId, id, new URL(req.url).searchParams.get("size"));
  return res.status === 404 ? restError(404, "NOT_FOUND", "Avatar not found") : res;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
