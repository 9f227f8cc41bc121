import { handleFormPost } from "~/server/forms/no-script";
import { getServices } from "~/server/services";

/** Forms the browser posts itself, before hydration or without JavaScript (src/server/forms). */
export async function POST(req: Request, { params }: { params: Promise<{ form: string }> }) {
  const { auth } = await getServices();
  return handleFormPost(req, (await params).form, { auth });
}
