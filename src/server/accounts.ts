import { eq } from "drizzle-orm";
import { grantCredits, type LedgerEntry } from "./credits";
import type { Database } from "./db/client";
import { user } from "./db/schema";
import { NotFoundError } from "./errors";
import type { Plan } from "./tiers";

/** Operator actions on accounts, shared by the admin router and the `npm run admin` command. */

export async function findUserByEmail(db: Database, email: string) {
  const [row] = await db.select().from(user).where(eq(user.email, email.trim().toLowerCase()));
  if (!row) throw new NotFoundError(`User ${email}`);
  return row;
}

export async function getPlan(db: Database, userId: string): Promise<Plan> {
  const [row] = await db.select({ plan: user.plan }).from(user).where(eq(user.id, userId));
  if (!row) throw new NotFoundError("User");
  return row.plan;
}

export async function setPlanByEmail(db: Database, email: string, plan: Plan) {
  const target = await findUserByEmail(db, email);
  const [row] = await db
    .update(user)
    .set({ plan, updatedAt: new Date() })
    .where(eq(user.id, target.id))
    .returning({ id: user.id, email: user.email, plan: user.plan });
  return row!;
}

export async function grantCreditsByEmail(
  db: Database,
  input: { email: string; amount: number; reason?: string; grantedBy: string },
): Promise<LedgerEntry> {
  const target = await findUserByEmail(db, input.email);
  return grantCredits(db, {
    userId: target.id,
    amount: input.amount,
    description: input.reason?.trim() || "Credits granted by an administrator",
    grantedBy: input.grantedBy,
  });
}

export function isAdminEmail(adminEmails: readonly string[], email: string): boolean {
  return adminEmails.includes(email.trim().toLowerCase());
}
