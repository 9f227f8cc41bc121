import { sql } from "drizzle-orm";
import { createTRPCRouter, publicProcedure } from "../trpc";
import { APP_VERSION } from "../../version";

export const systemRouter = createTRPCRouter({
  health: publicProcedure.query(async ({ ctx }) => {
    const started = performance.now();
    let database: "ok" | "error" = "ok";
    try {
      await ctx.db.execute(sql`select 1`);
    } catch {
      database = "error";
    }
    return {
      status: database === "ok" ? ("ok" as const) : ("degraded" as const),
      database,
      databaseKind: ctx.env.DATABASE_URL ? ("postgres" as const) : ("pglite" as const),
      databaseLatencyMs: Math.round((performance.now() - started) * 10) / 10,
      version: APP_VERSION,
    };
  }),
});
