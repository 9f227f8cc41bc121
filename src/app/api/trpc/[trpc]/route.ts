import { handleTRPCRequest } from "~/server/api/http";
import { getServices } from "~/server/services";

async function handler(req: Request) {
  return handleTRPCRequest(req, await getServices());
}

export { handler as GET, handler as POST };
