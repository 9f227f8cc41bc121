/**
 * node:worker_threads, taken at run time. Turbopack follows `new Worker(<path>)` and would bundle
 * the worker (and tsx, esbuild…) into the route; a constructor looked up at run time leaves the
 * worker a plain file that Node starts. Used by every thread the app starts (face models, the
 * executor, the embedded database).
 */
export const workerThreads = () => process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");
