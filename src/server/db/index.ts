import path from "node:path";
import { env } from "../env";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "./client";
import { seedModels } from "./seed";

export type { Database, DatabaseHandle } from "./client";

/**
 * The process-wide database. The server script opens it before Next.js starts and Next's route
 * handlers (a separately bundled copy of this module) pick up the same handle through globalThis,
 * so one process never opens the PGlite directory twice.
 */
const KEY = Symbol.for("avatar-studio.database");
type Holder = { [KEY]?: Promise<DatabaseHandle> };

export function getDatabase(): Promise<DatabaseHandle> {
  const holder = globalThis as Holder;
  holder[KEY] ??= openMigratedDatabase().catch((error: unknown) => {
    delete holder[KEY];
    throw error;
  });
  return holder[KEY];
}

async function openMigratedDatabase(): Promise<DatabaseHandle> {
  const e = env();
  const handle = await openDatabase({
    databaseUrl: e.DATABASE_URL,
    pgliteDir: path.resolve(e.PGLITE_DIR),
    // The embedded database runs beside the app, not on its event loop (pglite-thread.ts).
    pgliteThread: true,
    onDatabaseCrash: (error) => {
      // Nothing can be read or written any more; a restart reopens the directory and resumes the runs.
      console.error("[database] the embedded database's thread died; exiting so the server is restarted:", error);
      process.exit(1);
    },
  });
  await migrateDatabase(handle, () => seedModels(handle.db));
  return handle;
}
