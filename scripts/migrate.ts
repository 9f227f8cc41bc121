/** Applies the migrations and seeds the models, then exits (the server also does this on start). */
import { getDatabase } from "~/server/db";

const handle = await getDatabase();
console.log(`Migrations applied (${handle.kind}).`);
await handle.close();
