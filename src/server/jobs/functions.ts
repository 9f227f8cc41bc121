import type { InngestFunction } from "inngest";
import { env } from "../env";
import { getServices } from "../services";
import { inngest } from "./client";
import { createGenerateAvatar } from "./generate-avatar";

/** Every Inngest function the app serves at /api/inngest. */
export const functions: InngestFunction.Any[] = [
  createGenerateAvatar(inngest, async () => (await getServices()).workflow, { concurrency: env().GENERATION_CONCURRENCY }),
];
