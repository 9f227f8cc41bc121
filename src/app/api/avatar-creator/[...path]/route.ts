import { handleAvatarCreatorRequest } from "~/server/rest/avatar-creator";
import { getRestDeps } from "~/server/rest/deps";

/** The documented REST API (bearer tokens); all of it lives in src/server/rest. */
async function handler(req: Request) {
  return handleAvatarCreatorRequest(req, await getRestDeps());
}

export { handler as GET, handler as POST };
