/**
 * Operator commands, the same actions as admin.setPlan / admin.grantCredits:
 *   npm run admin -- plan <email> <free|basic|pro|enterprise>
 *   npm run admin -- grant <email> <credits> [reason…]
 * With the embedded database, stop the dev server first (one process per PGlite directory).
 */
import { userInfo } from "node:os";
import { grantCreditsByEmail, setPlanByEmail } from "~/server/accounts";
import { getDatabase } from "~/server/db";
import { NotFoundError } from "~/server/errors";
import { PLANS, type Plan } from "~/server/tiers";

const USAGE = `Usage:
  npm run admin -- plan <email> <${PLANS.join("|")}>
  npm run admin -- grant <email> <credits> [reason]`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main() {
  const [command, email, value, ...rest] = process.argv.slice(2);
  if (!command || !email || !value) fail("Missing arguments.");
  if (command !== "plan" && command !== "grant") fail(`Unknown command "${command}".`);
  if (command === "plan" && !PLANS.includes(value as Plan)) fail(`Unknown plan "${value}".`);
  const amount = Number(value);
  if (command === "grant" && (!Number.isInteger(amount) || amount <= 0)) fail(`"${value}" is not a positive whole number of credits.`);

  const handle = await getDatabase();
  try {
    if (command === "plan") {
      const updated = await setPlanByEmail(handle.db, email, value as Plan);
      console.log(`${updated.email} is now on the ${updated.plan} plan.`);
    } else {
      const entry = await grantCreditsByEmail(handle.db, {
        email,
        amount,
        reason: rest.join(" ") || undefined,
        grantedBy: `cli:${userInfo().username}`,
      });
      console.log(`Granted ${entry.amount} credits to ${email}; balance is now ${entry.balanceAfter}.`);
    }
  } catch (error) {
    if (error instanceof NotFoundError) fail(`No account with the email ${email}.`);
    throw error;
  } finally {
    await handle.close();
  }
}

await main();
