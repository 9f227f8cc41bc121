import { exportResponse } from "~/server/account/export";
import { getServices } from "~/server/services";

export const dynamic = "force-dynamic";

/** "Download my data" (src/server/account/export.ts): the signed-in owner's own ZIP, streamed. */
export async function GET(req: Request) {
  const { db, auth, jobs } = await getServices();
  // From the database, not the cookie cache: a session ended elsewhere downloads nothing.
  const session = await auth.api.getSession({ headers: req.headers, query: { disableCookieCache: true } });
  return exportResponse({ db, storage: jobs.storage }, session?.user.id ?? null);
}
