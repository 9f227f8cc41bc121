import { defineConfig } from "drizzle-kit";

// One migration history for the app and the local executor: both schemas live in the same database.
export default defineConfig({
  dialect: "postgresql",
  schema: ["./src/server/db/schema.ts", "./src/executor/schema.ts"],
  out: "./drizzle",
});
