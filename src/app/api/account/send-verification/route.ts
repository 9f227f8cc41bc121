import { sendVerificationForm } from "~/server/account/forms";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  return sendVerificationForm(await getServices(), req);
}
