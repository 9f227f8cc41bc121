import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * The face models themselves: @vladmandic/human (BlazeFace → FaceMesh → FaceRes 1024-d
 * description) on the pure-wasm TensorFlow backend, everything read from node_modules. One engine
 * per thread, loaded once and kept warm. Runs inside the face worker (worker.ts); tests may load
 * it in-process. Nothing here ever opens a socket: models and the wasm binary come from disk
 * through our own loaders, and any other URL is refused.
 */

/** 8-bit RGB, row-major, as sharp's raw output. */
export interface RawRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/** One face as the models see it, in the pixels of the analysed image. */
export interface EngineFace {
  /** [x, y, width, height] in pixels, clamped to the image. */
  box: [number, number, number, number];
  /** The same box unclamped, as fractions of the image (may reach past 0..1 when cut off). */
  boxRaw: [number, number, number, number];
  /** Detector confidence (BlazeFace). */
  boxScore: number;
  /** Mesh confidence. */
  faceScore: number;
  /** Share of the 468 mesh points that fall outside the image: a cut-off face. */
  outside: number;
  /** FaceRes description, 1024 numbers; null when the model could not describe the face. */
  embedding: number[] | null;
}

export interface EngineInfo {
  backend: string;
  human: string;
  tfjs: string;
  loadMs: number;
}

export interface FaceEngine {
  info: EngineInfo;
  detect(image: RawRgb): Promise<EngineFace[]>;
}

/** Where the packages are, resolved from the app's root (process.cwd()), not from a bundle. */
export function facePaths(root = process.cwd()) {
  const require = createRequire(path.join(root, "package.json"));
  // human's "exports" map has no subpaths for Node, so find its folder through its main entry.
  const humanDir = path.dirname(path.dirname(require.resolve("@vladmandic/human")));
  const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  return {
    humanDir,
    /** The self-contained ESM build: it bundles tfjs core, converter and the wasm backend's JS. */
    humanModule: path.join(humanDir, "dist", "human.esm.js"),
    modelsDir: path.join(humanDir, "models"),
    wasmDir: `${wasmDir}${path.sep}`,
  };
}

/** The few Human and tfjs members we use (the package's own types pull in tfjs-converter, which is not installed). */
interface TfLike {
  version_core?: string;
  version?: { "tfjs-core"?: string };
  env(): { set(flag: string, value: boolean): void };
  enableProdMode(): void;
  setPlatform(name: string, platform: unknown): void;
  getBackend(): string;
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: "int32"): unknown;
  dispose(t: unknown): void;
  io: { registerLoadRouter(router: (url: string | string[]) => unknown): void };
}
interface HumanFace {
  box: [number, number, number, number];
  boxRaw: [number, number, number, number];
  boxScore: number;
  faceScore: number;
  meshRaw: Array<[number, number, number?]>;
  embedding?: number[];
}
interface HumanLike {
  version: string;
  tf: TfLike;
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: HumanFace[]; error?: string | null }>;
}
type HumanModule = { Human: new (config: Record<string, unknown>) => HumanLike };

/** Detections kept by the library for us to judge; decisions use MIN_BOX_SCORE (thresholds.ts). */
const DETECTOR_MIN_CONFIDENCE = 0.3;
/** More than anyone puts in a profile photo; "several people" needs to see them all. */
const MAX_FACES = 10;

function humanConfig(paths: ReturnType<typeof facePaths>) {
  const off = { enabled: false };
  return {
    backend: "wasm",
    wasmPath: paths.wasmDir,
    // True routes the wasm binary through tfjs's platform fetch, which is ours (readLocal below):
    // this bundle's Emscripten has no working `fs`, so `false` cannot load it in Node.
    wasmPlatformFetch: true,
    modelBasePath: `${pathToFileURL(paths.modelsDir).href}/`,
    cacheModels: false,
    debug: false,
    async: true,
    warmup: "none",
    // Photos, not video: never reuse a previous frame's boxes or results.
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: off,
    gesture: off,
    body: off,
    hand: off,
    object: off,
    segmentation: off,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: MAX_FACES, skipFrames: 0, minConfidence: DETECTOR_MIN_CONFIDENCE, return: false },
      mesh: { enabled: true },
      iris: off,
      emotion: off,
      attention: off,
      antispoof: off,
      liveness: off,
      description: { enabled: true, skipFrames: 0 },
    },
  };
}

/** A local path from a file:// URL or an absolute path; anything else is not ours to read. */
function localPath(url: string): string | null {
  if (url.startsWith("file://")) return fileURLToPath(url);
  return path.isAbsolute(url) ? url : null;
}

/** tfjs platform: fetch reads local files only, so no URL can reach the network from here. */
const localPlatform = {
  async fetch(url: string): Promise<Response> {
    const file = localPath(String(url));
    if (!file) throw new Error(`face room: refusing to fetch ${String(url)} (models and wasm load from disk only)`);
    return new Response(new Uint8Array(await readFile(file)), { status: 200 });
  },
  now: () => performance.now(),
  encode: (text: string) => new TextEncoder().encode(text),
  decode: (bytes: Uint8Array, encoding: string) => new TextDecoder(encoding).decode(bytes),
  isTypedArray: (a: unknown) => ArrayBuffer.isView(a) && !(a instanceof DataView),
};

/** tfjs has no file:// loader without tfjs-node: read model.json and its weight shards from disk. */
function fileModelRouter(url: string | string[]) {
  const first = Array.isArray(url) ? url[0] : url;
  if (typeof first !== "string" || !first.startsWith("file://")) return null;
  const file = fileURLToPath(first);
  return {
    async load() {
      const json = JSON.parse(await readFile(file, "utf8")) as {
        modelTopology: unknown;
        weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
        [key: string]: unknown;
      };
      const shards: Buffer[] = [];
      for (const group of json.weightsManifest) {
        for (const p of group.paths) shards.push(await readFile(path.join(path.dirname(file), p)));
      }
      const all = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

/**
 * Imports the browser ESM build in Node. Its tfjs would install a "node" platform built on a
 * stubbed `util` and crash, so for the import it is told it runs in a worker scope (which makes
 * it pick its browser platform); ours replaces that right after.
 */
async function importHuman(file: string): Promise<HumanModule> {
  const g = globalThis as { WorkerGlobalScope?: unknown };
  const had = "WorkerGlobalScope" in g;
  if (!had) g.WorkerGlobalScope = class {};
  try {
    return (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ pathToFileURL(file).href)) as HumanModule;
  } finally {
    if (!had) delete g.WorkerGlobalScope;
  }
}

let engine: Promise<FaceEngine> | undefined;

/** The engine of this thread: loaded on first use, then the same warm instance. */
export function loadFaceEngine(root = process.cwd()): Promise<FaceEngine> {
  engine ??= createEngine(root).catch((error: unknown) => {
    engine = undefined;
    throw error;
  });
  return engine;
}

async function createEngine(root: string): Promise<FaceEngine> {
  const started = performance.now();
  const paths = facePaths(root);
  const { Human } = await importHuman(paths.humanModule);
  const human = new Human(humanConfig(paths));
  const tf = human.tf;
  tf.enableProdMode(); // quiets the "platform already set" warning below
  tf.setPlatform("node-local", localPlatform);
  tf.io.registerLoadRouter(fileModelRouter);

  // Emscripten's Node path wants a __dirname (there is none in ESM) and installs process-wide
  // handlers that rethrow every uncaught error; give it the first, take the second back.
  const g = globalThis as { __dirname?: string };
  const hadDirname = "__dirname" in g;
  if (!hadDirname) g.__dirname = paths.wasmDir;
  const before = { exception: process.listeners("uncaughtException"), rejection: process.listeners("unhandledRejection") };
  try {
    await human.load();
  } finally {
    if (!hadDirname) delete g.__dirname;
    for (const l of process.listeners("uncaughtException")) if (!before.exception.includes(l)) process.removeListener("uncaughtException", l);
    for (const l of process.listeners("unhandledRejection")) if (!before.rejection.includes(l)) process.removeListener("unhandledRejection", l);
  }
  if (tf.getBackend() !== "wasm") throw new Error(`face room: expected the wasm backend, got ${tf.getBackend()}`);

  const info: EngineInfo = {
    backend: tf.getBackend(),
    human: human.version,
    tfjs: tf.version_core ?? tf.version?.["tfjs-core"] ?? "unknown",
    loadMs: Math.round(performance.now() - started),
  };

  return {
    info,
    async detect(image) {
      const tensor = tf.tensor3d(image.data, [image.height, image.width, 3], "int32");
      try {
        const result = await human.detect(tensor);
        if (result.error) throw new Error(`face room: ${result.error}`);
        return result.face.map(toEngineFace);
      } finally {
        tf.dispose(tensor);
      }
    },
  };
}

function toEngineFace(f: HumanFace): EngineFace {
  const outsidePoints = f.meshRaw.filter(([x, y]) => x < 0 || x > 1 || y < 0 || y > 1).length;
  return {
    box: f.box,
    boxRaw: f.boxRaw,
    boxScore: f.boxScore,
    faceScore: f.faceScore,
    outside: f.meshRaw.length > 0 ? outsidePoints / f.meshRaw.length : 0,
    embedding: f.embedding && f.embedding.length > 0 ? Array.from(f.embedding) : null,
  };
}
