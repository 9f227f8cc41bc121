import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { Auth } from "../auth";
import { appRouter } from "./root";
import { createContext, type Context } from "./trpc";

/** tRPC over HTTP (the fetch adapter), used by the Next.js route and by HTTP-level tests. */
export function handleTRPCRequest(req: Request, deps: Omit<Context, "user"> & { auth: Auth }): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext({ ...deps, headers: req.headers, resHeaders }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}
