import path from "node:path";
import type { Worker } from "node:worker_threads";
import sharp from "sharp";
import type { Env } from "../env";
import { workerThreads } from "../worker-threads";
import { facePaths, type EngineFace, type EngineInfo } from "./engine";
import type { FoundFace } from "./judge";
import { DETECT_MAX_SIDE } from "./thresholds";
import type { WorkerReply, WorkerRequest } from "./worker";

/**
 * The face room as the server sees it: one worker thread that holds the models (≈ 300–400 MB,
 * loaded once, kept warm) and a queue in front of it. Photos are decoded here by sharp (libvips
 * works off the event loop) and their pixels handed over; the models run only in the worker, so
 * requests keep being answered while faces are checked.
 */

export interface PhotoAnalysis {
  width: number;
  height: number;
  faces: FoundFace[];
  /** Time in the worker, ms. */
  ms: number;
}

export type FaceRoomState = "idle" | "loading" | "ready" | "failed";

export interface FaceRoomStatus {
  state: FaceRoomState;
  /** Import + model load + warm-up, ms. */
  loadMs: number | null;
  backend: string | null;
  error: string | null;
}

export interface FaceRoom {
  /** Faces in a JPEG/PNG/WebP, boxes as fractions of the (upright) image. */
  analyze(image: Buffer): Promise<PhotoAnalysis>;
  /** Starts the worker if needed and waits until the models are loaded and warm. */
  ready(): Promise<FaceRoomStatus>;
  status(): FaceRoomStatus;
  close(): Promise<void>;
}

/** The room could not answer (models missing, worker died, timeout): no photo was judged. */
export class FaceRoomError extends Error {
  constructor(message: string) {
    super(`Face check unavailable: ${message}`);
    this.name = "FaceRoomError";
  }
}

/** A stuck model call is abandoned (and the worker replaced) after this long. */
const JOB_TIMEOUT_MS = 60_000;

interface Pending {
  resolve(reply: Extract<WorkerReply, { kind: "faces" }>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export function createFaceRoom(options: { root?: string } = {}): FaceRoom {
  const root = options.root ?? process.cwd();
  let worker: Worker | null = null;
  let started: Promise<void> | null = null;
  let status: FaceRoomStatus = { state: "idle", loadMs: null, backend: null, error: null };
  const pending = new Map<number, Pending>();
  let nextId = 1;

  // The worker never keeps the process alive on its own: only while something waits for it.
  const updateRef = () => (pending.size > 0 || status.state === "loading" ? worker?.ref() : worker?.unref());

  const fail = (w: Worker, error: Error) => {
    if (worker !== w) return;
    worker = null;
    started = null;
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(error);
      pending.delete(id);
    }
    void w.terminate();
  };

  function start(): Promise<void> {
    if (started) return started;
    const began = performance.now();
    status = { state: "loading", loadMs: null, backend: null, error: null };
    // Resolved from the app root at run time, never from a bundled file's URL (Next bundles us).
    const w = new (workerThreads().Worker)(path.join(root, "src", "server", "faces", "worker.mjs"), { workerData: { root } });
    worker = w;
    updateRef();
    started = new Promise<EngineInfo>((resolve, reject) => {
      w.on("message", (reply: WorkerReply) => {
        if (reply.kind === "ready") return resolve(reply.info);
        if (reply.kind === "failed") return reject(new FaceRoomError(reply.error));
        const job = pending.get(reply.id);
        if (!job) return;
        pending.delete(reply.id);
        clearTimeout(job.timer);
        if (reply.kind === "faces") job.resolve(reply);
        else job.reject(new FaceRoomError(reply.error));
        updateRef();
      });
      w.on("error", (error) => {
        reject(new FaceRoomError(error.message));
        fail(w, new FaceRoomError(error.message));
      });
      w.on("exit", (code) => {
        reject(new FaceRoomError(`worker exited (${code})`));
        fail(w, new FaceRoomError(`worker exited (${code})`));
      });
    })
      .then(async (info) => {
        await warmUp(); // the first detection compiles kernels; pay it now, not on a user's photo
        status = { state: "ready", loadMs: Math.round(performance.now() - began), backend: info.backend, error: null };
        updateRef();
      })
      .catch((error: unknown) => {
        status = { state: "failed", loadMs: null, backend: null, error: error instanceof Error ? error.message : String(error) };
        if (worker === w) fail(w, error instanceof Error ? error : new Error(String(error)));
        throw error;
      });
    return started;
  }

  function detect(raw: { data: Buffer; width: number; height: number }) {
    const w = worker;
    if (!w) return Promise.reject(new FaceRoomError("worker not running"));
    const id = nextId++;
    // A copy we can transfer: sharp's buffer may be a view into a shared pool.
    const data = new Uint8Array(raw.data).buffer;
    return new Promise<Extract<WorkerReply, { kind: "faces" }>>((resolve, reject) => {
      const timer = setTimeout(() => fail(w, new FaceRoomError(`no answer in ${JOB_TIMEOUT_MS} ms`)), JOB_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      updateRef();
      const request: WorkerRequest = { id, kind: "detect", width: raw.width, height: raw.height, data };
      w.postMessage(request, [data]);
    });
  }

  async function warmUp() {
    const { humanDir } = facePaths(root);
    const sample = await sharp(path.join(humanDir, "assets", "screenshot-faceid.jpg"))
      .extract({ left: 14, top: 142, width: 140, height: 140 })
      .resize(512)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    await detect({ data: sample.data, width: sample.info.width, height: sample.info.height });
  }

  return {
    async analyze(image) {
      await start();
      const meta = await sharp(image).metadata();
      const { data, info } = await sharp(image)
        .resize({ width: DETECT_MAX_SIDE, height: DETECT_MAX_SIDE, fit: "inside", withoutEnlargement: true })
        .removeAlpha()
        .toColourspace("srgb")
        .raw()
        .toBuffer({ resolveWithObject: true });
      const reply = await detect({ data, width: info.width, height: info.height });
      return {
        width: meta.width ?? info.width,
        height: meta.height ?? info.height,
        faces: reply.faces.map((f) => toFound(f, info.width, info.height)),
        ms: reply.ms,
      };
    },
    async ready() {
      await start();
      return status;
    },
    status: () => status,
    async close() {
      const w = worker;
      if (w) fail(w, new FaceRoomError("closed"));
      status = { state: "idle", loadMs: null, backend: null, error: null };
    },
  };
}

function toFound(f: EngineFace, width: number, height: number): FoundFace {
  const [x, y, w, h] = f.box;
  return {
    box: { x: x / width, y: y / height, width: w / width, height: h / height },
    score: f.boxScore,
    outside: f.outside,
    embedding: f.embedding,
  };
}

const KEY = Symbol.for("avatar-studio.face-room");
type Holder = { [KEY]?: FaceRoom };

/**
 * The process-wide room: Next.js bundles route handlers separately, so the instance lives on
 * globalThis and every copy of this module shares one worker (one set of models in memory).
 */
export function sharedFaceRoom(): FaceRoom {
  const holder = globalThis as Holder;
  holder[KEY] ??= createFaceRoom();
  return holder[KEY];
}

/** The room to check photos with, or null when FACE_CHECK=off. */
export function faceRoomFor(e: Pick<Env, "FACE_CHECK">): FaceRoom | null {
  return e.FACE_CHECK === "off" ? null : sharedFaceRoom();
}
