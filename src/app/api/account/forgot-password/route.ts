import { forgotPasswordForm } from "~/server/account/forms";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  return forgotPasswordForm(await getServices(), req);
}
