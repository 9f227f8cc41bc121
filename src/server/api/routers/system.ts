import { sql } from "drizzle-orm";
import { createEngine, selectedEngine, type EngineHealth } from "../../engines";
import { faceRoomFor } from "../../faces";
import { APP_VERSION } from "../../version";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const systemRouter = createTRPCRouter({
  /** Database and engine status for load balancers, operators and the check:photomaker script. */
  health: publicProcedure.query(async ({ ctx }) => {
    const started = performance.now();
    let database: "ok" | "error" = "ok";
    try {
      await ctx.db.execute(sql`select 1`);
    } catch {
      database = "error";
    }
    const databaseLatencyMs = Math.round((performance.now() - started) * 10) / 10;
    const engineName = selectedEngine(ctx.env);
    const engine: EngineHealth = await Promise.resolve()
      .then(() => createEngine(ctx.env).health())
      .catch((error: unknown) => ({ ok: false, detail: error instanceof Error ? error.message : String(error) }));
    // Asking starts the face models loading (once per process); the answer never waits for it.
    const room = faceRoomFor(ctx.env);
    if (room?.status().state === "idle") void room.ready().catch(() => {});
    const faceStatus = room?.status();
    const faces = {
      enabled: room !== null,
      state: faceStatus?.state ?? ("off" as const),
      modelsLoaded: faceStatus?.state === "ready",
      loadMs: faceStatus?.loadMs ?? null,
      backend: faceStatus?.backend ?? null,
      error: faceStatus?.error ?? null,
    };
    return {
      status: database === "ok" && engine.ok && faces.state !== "failed" ? ("ok" as const) : ("degraded" as const),
      database,
      databaseKind: ctx.env.DATABASE_URL ? ("postgres" as const) : ("pglite" as const),
      databaseLatencyMs,
      engine: {
        name: engineName,
        ok: engine.ok,
        detail: engine.detail,
        /** What PhotoMaker is on this engine, with its version once resolved. */
        model: engine.photomaker?.model ?? null,
        version: engine.photomaker?.version ?? null,
        label: engine.photomaker?.label ?? null,
        /** An operator alert (the provider's account out of credit, credentials rejected), or null. */
        alert: engine.alert ?? null,
      },
      faces,
      version: APP_VERSION,
    };
  }),
});
