import { resetPasswordForm } from "~/server/account/forms";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  return resetPasswordForm(await getServices(), req);
}
