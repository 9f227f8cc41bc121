// The face worker's entry: plain JavaScript, so Node can start it the same way under `npm start`,
// `npm run dev`, tsx scripts and Vitest (none of which share a TypeScript loader with a worker).
// It loads the TypeScript worker through tsx's scoped API; nothing here is bundled by Next.js.
import { tsImport } from "tsx/esm/api";

await tsImport("./worker.ts", import.meta.url);
