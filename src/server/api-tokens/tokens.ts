import { and, desc, eq } from "drizzle-orm";
import type { Auth, SessionUser } from "../auth";
import type { Database } from "../db/client";
import { apikey, user } from "../db/schema";
import { NotFoundError } from "../errors";
import { TOKEN_PREFIX } from "./plugin";

/**
 * Personal API tokens over better-auth's api-key plugin. The plugin makes and checks tokens
 * (random, stored as a SHA-256 hash); listing and revoking are plain reads and deletes of its
 * table scoped to the owner, so they work from any caller (the plugin's own list/delete
 * endpoints need a cookie session).
 */

export interface TokenSummary {
  id: string;
  name: string;
  /** The first characters ("avs_AbCd"): never enough to use the token. */
  start: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The token in full is returned here, once; only its hash is stored. */
export async function createToken(auth: Auth, userId: string, name: string): Promise<{ id: string; token: string }> {
  const created = await auth.api.createApiKey({ body: { name, userId } });
  return { id: created.id, token: created.key };
}

export async function listTokens(db: Database, userId: string): Promise<TokenSummary[]> {
  const rows = await db
    .select({ id: apikey.id, name: apikey.name, start: apikey.start, createdAt: apikey.createdAt, lastUsedAt: apikey.lastRequest })
    .from(apikey)
    .where(eq(apikey.referenceId, userId))
    .orderBy(desc(apikey.createdAt));
  return rows.map((r) => ({ ...r, name: r.name ?? "" }));
}

/** Deletes the token: the next request with it is refused (nothing caches a verification). */
export async function revokeToken(db: Database, userId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(apikey)
    .where(and(eq(apikey.id, id), eq(apikey.referenceId, userId)))
    .returning({ id: apikey.id });
  if (deleted.length === 0) throw new NotFoundError("Token");
}

/** Our tokens are the prefix plus 64 letters; anything else is refused without a lookup. */
const TOKEN_SHAPE = new RegExp(`^${TOKEN_PREFIX}[A-Za-z]{64}$`);

/**
 * "Bearer <token>" → the token's id and owner, or null for a missing, malformed, unknown or
 * revoked token. The plugin stamps lastRequest on every success ("last used").
 */
export async function authenticateBearer(
  deps: { auth: Auth; db: Database },
  authorization: string | null,
): Promise<{ tokenId: string; user: SessionUser } | null> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  const token = match?.[1];
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const result = await deps.auth.api.verifyApiKey({ body: { key: token } });
  if (!result.valid || !result.key) return null;
  const [owner] = await deps.db.select().from(user).where(eq(user.id, result.key.referenceId));
  if (!owner) return null;
  return { tokenId: result.key.id, user: owner };
}
