import { avatarImageResponse } from "~/server/images";
import { getServices } from "~/server/services";

export async function GET(req: Request, { params }: { params: Promise<{ avatarId: string }> }) {
  const { auth, db, env, jobs } = await getServices();
  const session = await auth.api.getSession({ headers: req.headers });
  const { avatarId } = await params;
  return avatarImageResponse(
    { db, storage: jobs.storage, delivery: env.IMAGE_DELIVERY },
    session?.user.id ?? null,
    avatarId,
    new URL(req.url).searchParams.get("size"),
  );
}
