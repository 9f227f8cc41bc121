import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { user } from "../db/schema";
import type { Env } from "../env";

/**
 * REQUIRE_EMAIL_VERIFICATION=on: an unverified account may sign in and look around, but not spend
 * money or credits (buy a pack, start a generation). Read from the database, not the session
 * cookie's cached copy, so verifying takes effect at once.
 */
export class EmailNotVerifiedError extends Error {
  constructor() {
    super("Please verify your email address first: open the link we sent you, or ask for a new one (the banner at the top).");
    this.name = "EmailNotVerifiedError";
  }
}

export async function requireVerifiedEmail(db: Database, e: Pick<Env, "REQUIRE_EMAIL_VERIFICATION">, userId: string): Promise<void> {
  if (e.REQUIRE_EMAIL_VERIFICATION !== "on") return;
  const [row] = await db.select({ verified: user.emailVerified }).from(user).where(eq(user.id, userId));
  if (!row?.verified) throw new EmailNotVerifiedError();
}

export async function verificationStatus(db: Database, e: Pick<Env, "REQUIRE_EMAIL_VERIFICATION">, userId: string) {
  const [row] = await db.select({ verified: user.emailVerified }).from(user).where(eq(user.id, userId));
  return { emailVerified: row?.verified ?? false, verificationRequired: e.REQUIRE_EMAIL_VERIFICATION === "on" };
}
