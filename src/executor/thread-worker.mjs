// The executor thread's entry: plain JavaScript, so Node starts it the same way under `npm start`,
// `npm run dev`, tsx scripts and Vitest (none of which share a TypeScript loader with a worker).
import { tsImport } from "tsx/esm/api";

await tsImport("./thread-worker.ts", import.meta.url);
