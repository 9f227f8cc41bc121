import { handleFormPost } from "~/server/forms/no-script";
import { trustedOrigins } from "~/server/security/origin";
import { getServices } from "~/server/services";

/** Forms the browser posts itself, before hydration or without JavaScript (src/server/forms). */
export async function POST(req: Request, { params }: { params: Promise<{ form: string }> }) {
  const { auth, env } = await getServices();
  return handleFormPost(req, (await params).form, { auth, trusted: trustedOrigins(env) });
}
