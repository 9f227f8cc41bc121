import { parentPort, workerData } from "node:worker_threads";
import { loadFaceEngine, type EngineFace, type EngineInfo } from "./engine";

/**
 * The face worker: loads the models once, then answers detect requests one at a time, so the
 * server's event loop never runs a model. Pixels arrive as raw RGB (decoded by sharp in the
 * main thread) in a transferred buffer.
 */
export type WorkerRequest = { id: number; kind: "detect"; width: number; height: number; data: ArrayBuffer };
export type WorkerReply =
  | { kind: "ready"; info: EngineInfo }
  | { kind: "failed"; error: string }
  | { id: number; kind: "faces"; faces: EngineFace[]; ms: number }
  | { id: number; kind: "error"; error: string };

const port = parentPort;
if (!port) throw new Error("face worker: must run in a worker thread");
const root = (workerData as { root?: string } | null)?.root ?? process.cwd();
const send = (reply: WorkerReply) => port.postMessage(reply);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

const engine = loadFaceEngine(root);
engine.then(
  (e) => send({ kind: "ready", info: e.info }),
  (error: unknown) => send({ kind: "failed", error: message(error) }),
);

// One detection at a time: the wasm backend is single-threaded and Human keeps per-call state.
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: WorkerRequest) => {
  queue = queue.then(async () => {
    const started = performance.now();
    try {
      const e = await engine;
      const faces = await e.detect({ data: new Uint8Array(request.data), width: request.width, height: request.height });
      send({ id: request.id, kind: "faces", faces, ms: Math.round(performance.now() - started) });
    } catch (error) {
      send({ id: request.id, kind: "error", error: message(error) });
    }
  });
});
