/**
 * Operator commands, the same actions as the operations console (/admin), each with a reason and
 * recorded in the audit as "cli:<os user>":
 *   npm run admin -- plan <email> <free|basic|pro|enterprise> <reason…>
 *   npm run admin -- grant <email> <credits> <reason…>
 *   npm run admin -- take <email> <credits> <reason…>
 *   npm run admin -- refund <generation id> <reason…>
 * With the embedded database, stop the dev server first (one process per PGlite directory).
 * Cancelling and re-driving need the running app's workflow engine: use the console.
 */
import { userInfo } from "node:os";
import { grantCreditsByEmail, setPlanByEmail, takeCreditsByEmail } from "~/server/accounts";
import { checkReason } from "~/server/admin/audit";
import { getDatabase } from "~/server/db";
import { BadInputError, NotFoundError } from "~/server/errors";
import { refundGenerationByHand } from "~/server/generations/interventions";
import { PLANS, type Plan } from "~/server/tiers";

const USAGE = `Usage:
  npm run admin -- plan <email> <${PLANS.join("|")}> <reason>
  npm run admin -- grant <email> <credits> <reason>
  npm run admin -- take <email> <credits> <reason>
  npm run admin -- refund <generation id> <reason>`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main() {
  const [command, target, ...rest] = process.argv.slice(2);
  if (!command || !target) fail("Missing arguments.");
  if (!["plan", "grant", "take", "refund"].includes(command)) fail(`Unknown command "${command}".`);
  const [value, ...words] = command === "refund" ? [undefined, ...rest] : rest;
  if (command === "plan" && !PLANS.includes(value as Plan)) fail(`Unknown plan "${value ?? ""}".`);
  const amount = Number(value);
  if ((command === "grant" || command === "take") && (!Number.isInteger(amount) || amount <= 0)) {
    fail(`"${value ?? ""}" is not a positive whole number of credits.`);
  }
  let reason: string;
  try {
    reason = checkReason(words.join(" "));
  } catch (error) {
    fail((error as Error).message.replace(/^reason: /, ""));
  }
  const by = { actor: `cli:${userInfo().username}`, reason };

  const handle = await getDatabase();
  try {
    if (command === "plan") {
      const updated = await setPlanByEmail(handle.db, target, value as Plan, by);
      console.log(`${updated.email} is now on the ${updated.plan} plan.`);
    } else if (command === "grant") {
      const entry = await grantCreditsByEmail(handle.db, { email: target, amount, reason, grantedBy: by.actor });
      console.log(`Granted ${entry.amount} credits to ${target}; balance is now ${entry.balanceAfter}.`);
    } else if (command === "take") {
      const entry = await takeCreditsByEmail(handle.db, { email: target, amount, reason, takenBy: by.actor });
      console.log(`Took ${-entry.amount} credits from ${target}; balance is now ${entry.balanceAfter}.`);
    } else {
      const { refunded, entry } = await refundGenerationByHand(handle.db, target, by);
      console.log(`Refunded ${refunded} credits for generation ${target}; balance is now ${entry.balanceAfter}.`);
    }
  } catch (error) {
    if (error instanceof NotFoundError) fail(command === "refund" ? `No generation with the id ${target}.` : `No account with the email ${target}.`);
    if (error instanceof BadInputError) fail(error.message.replace(/^\w+: /, ""));
    throw error;
  } finally {
    await handle.close();
  }
}

await main();
