import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { avatars } from "../db/schema";
import { NotFoundError } from "../errors";
import type { Storage } from "../storage";

/** Deletes an avatar the user owns: the row first, then its files. */
export async function deleteAvatar(deps: { db: Database; storage: Storage }, userId: string, avatarId: string) {
  const [row] = await deps.db
    .delete(avatars)
    .where(and(eq(avatars.id, avatarId), eq(avatars.userId, userId)))
    .returning();
  if (!row) throw new NotFoundError("Avatar");
  await deps.storage.delete(row.imageKey);
  await deps.storage.delete(row.thumbnailKey);
}
