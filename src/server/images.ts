import type { Database } from "./db/client";
import type { Env } from "./env";
import { NotFoundError } from "./errors";
import { getOwnedAvatar } from "./generations/views";
import type { Storage } from "./storage";

const CONTENT_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" };

/**
 * An avatar id never changes its bytes, so the browser may keep it for a year; `private`: never a
 * shared cache (a CDN or proxy would hand one user's image to another).
 */
export const IMAGE_CACHE_CONTROL = "private, max-age=31536000, immutable";
/** The redirect itself: kept briefly by the browser only, well inside the signed URL's life. */
export const REDIRECT_CACHE_CONTROL = "private, max-age=60";

export interface ImageDeps {
  db: Database;
  storage: Storage;
  /** stream: the bytes through this server; redirect: a 302 to a presigned bucket URL. */
  delivery?: Env["IMAGE_DELIVERY"];
}

/**
 * An avatar image for its owner only; anyone else gets the same 404 as for a missing one. The
 * owner check is always ours; only then are the bytes streamed, or the browser sent to the bucket.
 */
export async function avatarImageResponse(deps: ImageDeps, userId: string | null, avatarId: string, size: string | null): Promise<Response> {
  const notFound = () => new Response("Not found", { status: 404, headers: { "cache-control": "no-store" } });
  if (!userId) return notFound();
  try {
    const avatar = await getOwnedAvatar(deps.db, userId, avatarId);
    const key = size === "full" ? avatar.imageKey : avatar.thumbnailKey;
    const ext = key.slice(key.lastIndexOf(".") + 1);
    const headers = {
      "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream",
      "cache-control": IMAGE_CACHE_CONTROL,
      "content-disposition": `inline; filename="avatar-${avatar.id}.${ext}"`,
    };
    if (deps.delivery === "redirect" && deps.storage.signedUrl) {
      const location = await deps.storage.signedUrl(key, {
        contentType: headers["content-type"],
        contentDisposition: headers["content-disposition"],
        cacheControl: headers["cache-control"],
      });
      return new Response(null, { status: 302, headers: { location, "cache-control": REDIRECT_CACHE_CONTROL } });
    }
    const stored = await deps.storage.stream(key);
    if (!stored) return notFound();
    return new Response(stored.body, {
      headers: {
        ...headers,
        ...(stored.size !== undefined && { "content-length": String(stored.size) }),
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (error instanceof NotFoundError) return notFound();
    throw error;
  }
}
