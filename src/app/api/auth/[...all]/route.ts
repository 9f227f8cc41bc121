import { getServices } from "~/server/services";

async function handler(req: Request) {
  const { auth } = await getServices();
  return auth.handler(req);
}

export { handler as GET, handler as POST };
