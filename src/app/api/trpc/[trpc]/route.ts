import { handleTRPCRequest } from "~/server/api/http";
import { getServices } from "~/server/services";

// Every call is per user: never prerendered or cached. Saying so also spares each request Next's
// dynamic-usage tracking (a Proxy around the request that "auto" routes get).
export const dynamic = "force-dynamic";

// In production src/server/start.ts answers /api/trpc/* ahead of Next with the same handler
// (src/server/api/node.ts); this route serves `npm run dev` (hot reload) and a plain `next start`.
async function handler(req: Request) {
  return handleTRPCRequest(req, await getServices());
}

export { handler as GET, handler as POST };
