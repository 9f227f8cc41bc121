import type { Database } from "./db/client";
import { NotFoundError } from "./errors";
import { getOwnedAvatar } from "./generations/views";
import type { Storage } from "./storage";

const CONTENT_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" };

/**
 * An avatar image for its owner only; anyone else gets the same 404 as for a missing one.
 * An avatar id never changes its bytes, so the browser may keep it (privately) for a year.
 */
export async function avatarImageResponse(
  deps: { db: Database; storage: Storage },
  userId: string | null,
  avatarId: string,
  size: string | null,
): Promise<Response> {
  const notFound = () => new Response("Not found", { status: 404, headers: { "cache-control": "no-store" } });
  if (!userId) return notFound();
  try {
    const avatar = await getOwnedAvatar(deps.db, userId, avatarId);
    const key = size === "full" ? avatar.imageKey : avatar.thumbnailKey;
    const bytes = await deps.storage.get(key);
    if (!bytes) return notFound();
    const ext = key.slice(key.lastIndexOf(".") + 1);
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream",
        "cache-control": "private, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
        "content-disposition": `inline; filename="avatar-${avatar.id}.${ext}"`,
      },
    });
  } catch (error) {
    if (error instanceof NotFoundError) return notFound();
    throw error;
  }
}
