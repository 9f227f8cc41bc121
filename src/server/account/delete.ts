import { randomUUID } from "node:crypto";
import { and, eq, inArray, or } from "drizzle-orm";
import type { Auth } from "../auth";
import type { Database } from "../db/client";
import { account, creditLedger, creditPurchases, generations, user, verification } from "../db/schema";
import { BadInputError, NotFoundError } from "../errors";
import { cancelGeneration, type InterventionDeps } from "../generations/interventions";
import { storageKeys } from "../storage";

/**
 * Leaving: the account and everything in it, on the owner's password. In-flight generations are
 * cancelled and refunded first (their runs stopped, as support's cancel does), then every stored
 * object under the user's prefixes (avatars, thumbnails, input photos, work files), then every row:
 * projects, generations, avatars, tokens, sessions, the account. Purchases and their refunds stay in
 * the ledger for accounting, under an anonymous id instead of the user's; nothing else remains.
 */
export interface DeleteDeps {
  db: Database;
  auth: Pick<Auth, "$context">;
  jobs: InterventionDeps;
}

export async function checkPassword(deps: Pick<DeleteDeps, "db" | "auth">, userId: string, password: string): Promise<boolean> {
  const [credential] = await deps.db
    .select({ hash: account.password })
    .from(account)
    .where(and(eq(account.userId, userId), eq(account.providerId, "credential")));
  if (!credential?.hash) return false;
  const ctx = await deps.auth.$context;
  return ctx.password.verify({ hash: credential.hash, password });
}

export async function deleteAccount(deps: DeleteDeps, userId: string, password: string) {
  const [owner] = await deps.db.select({ id: user.id }).from(user).where(eq(user.id, userId));
  if (!owner) throw new NotFoundError("Account");
  if (!(await checkPassword(deps, userId, password))) throw new BadInputError("password: That is not your password", "password");

  const running = await deps.db
    .select({ id: generations.id })
    .from(generations)
    .where(and(eq(generations.userId, userId), inArray(generations.status, ["queued", "processing"])));
  let refunded = 0;
  for (const { id } of running) {
    try {
      const cancelled = await cancelGeneration(deps.jobs, id, null);
      refunded += cancelled.refunded;
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error; // it finished meanwhile: nothing to cancel
    }
  }

  await deleteObjects(deps.jobs, userId);
  const anonymousId = `deleted-${randomUUID()}`;
  await deps.db.transaction(async (tx) => {
    const purchases = or(eq(creditLedger.kind, "purchase"), eq(creditLedger.referenceType, "stripe_charge"));
    await tx.update(creditLedger).set({ userId: anonymousId }).where(and(eq(creditLedger.userId, userId), purchases));
    await tx.update(creditPurchases).set({ userId: anonymousId, updatedAt: new Date() }).where(eq(creditPurchases.userId, userId));
    // Generations first: they name their charges in the ledger (avatars go with them).
    await tx.delete(generations).where(eq(generations.userId, userId));
    await tx.delete(creditLedger).where(eq(creditLedger.userId, userId));
    // Password reset tokens name the user in their value.
    await tx.delete(verification).where(eq(verification.value, userId));
    // And the rest with the account: projects, sessions, credentials, API tokens, the balance.
    await tx.delete(user).where(eq(user.id, userId));
  });
  // A step that was in flight may have written a file since: sweep the prefixes once more.
  await deleteObjects(deps.jobs, userId);
  return { cancelled: running.length, refunded, anonymousId };
}

async function deleteObjects(deps: Pick<InterventionDeps, "storage">, userId: string) {
  for (const prefix of storageKeys.userPrefixes(userId)) await deps.storage.deletePrefix(prefix);
}
