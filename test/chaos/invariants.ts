import { readdirSync } from "node:fs";
import path from "node:path";
import type { Database } from "~/server/db/client";
import { avatars, creditBalances, creditLedger, generations } from "~/server/db/schema";

/**
 * The promises of a paid job, checked over the whole database and storage after a chaos run.
 * Returns every violation found (empty = all hold), so a failure lists them all at once.
 */
export interface ChaosSummary {
  generations: number;
  succeeded: number;
  failed: number;
  tiers: Record<string, number>;
  errorCodes: Record<string, number>;
  violations: string[];
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
  } catch {
    return [];
  }
}

const tally = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

export async function checkInvariants(db: Database, storageDir: string): Promise<ChaosSummary> {
  const gens = await db.select().from(generations);
  const ledger = await db.select().from(creditLedger);
  const avatarRows = await db.select({ id: avatars.id, generationId: avatars.generationId }).from(avatars);
  const balances = await db.select().from(creditBalances);
  const violations: string[] = [];

  for (const g of gens) {
    const charges = ledger.filter((e) => e.kind === "charge" && e.referenceType === "generation" && e.referenceId === g.id);
    const refunds = ledger.filter((e) => e.kind === "refund" && e.refundOf !== null && e.refundOf === g.chargeEntryId);
    const made = avatarRows.filter((a) => a.generationId === g.id).length;
    const where = `generation ${g.id} (${g.status}/${g.stage}, ${g.errorCode ?? "no error"})`;
    if (g.status !== "succeeded" && g.status !== "failed") violations.push(`${where}: not terminal`);
    if (charges.length !== 1) violations.push(`${where}: ${charges.length} charges`);
    if (charges[0] && charges[0].amount !== -g.creditCost) violations.push(`${where}: charged ${-charges[0].amount}, costs ${g.creditCost}`);
    if (g.status === "failed") {
      if (refunds.length !== 1) violations.push(`${where}: ${refunds.length} refunds`);
      if (refunds[0] && refunds[0].amount !== g.creditCost) violations.push(`${where}: refunded ${refunds[0].amount} of ${g.creditCost}`);
      if (g.refundedCredits !== g.creditCost) violations.push(`${where}: says ${g.refundedCredits} refunded`);
      if (made !== 0) violations.push(`${where}: failed but has ${made} avatars`);
    }
    if (g.status === "succeeded") {
      if (refunds.length !== 0) violations.push(`${where}: succeeded but refunded`);
      if (made !== 1) violations.push(`${where}: ${made} avatars`);
    }
    if (g.inputKeys.length !== 0 && (g.status === "succeeded" || g.status === "failed")) violations.push(`${where}: still lists input keys`);
  }
  for (const charge of ledger.filter((e) => e.kind === "charge")) {
    if (!gens.some((g) => g.chargeEntryId === charge.id)) violations.push(`charge ${charge.id}: pays for no generation`);
  }
  for (const b of balances) {
    const sum = ledger.filter((e) => e.userId === b.userId).reduce((acc, e) => acc + e.amount, 0);
    if (b.balance < 0) violations.push(`user ${b.userId}: balance ${b.balance} below 0`);
    if (sum !== b.balance) violations.push(`user ${b.userId}: ledger sums to ${sum}, balance is ${b.balance}`);
  }
  for (const file of [...filesUnder(path.join(storageDir, "inputs")), ...filesUnder(path.join(storageDir, "work"))]) {
    violations.push(`left on disk: ${path.relative(storageDir, file)}`);
  }
  return {
    generations: gens.length,
    succeeded: gens.filter((g) => g.status === "succeeded").length,
    failed: gens.filter((g) => g.status === "failed").length,
    tiers: tally(gens.map((g) => g.tier)),
    errorCodes: tally(gens.map((g) => g.errorCode ?? "none")),
    violations,
  };
}
