import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fakePng } from "./huggingface";
import { scriptedAnswerControl } from "./http";

/**
 * A faithful fake of Replicate's HTTP API (https://replicate.com/docs/reference/http), on 127.0.0.1:
 *   GET  /v1/models/{owner}/{name}                       model, with latest_version (is_official for FLUX)
 *   GET  /v1/models/{owner}/{name}/versions/{id}         a version
 *   POST /v1/predictions {version, input}                create (community models: tencentarc/photomaker)
 *   POST /v1/models/{owner}/{name}/predictions {input}   create (official models: black-forest-labs/flux-schnell)
 *   GET  /v1/predictions/{id}   POST /v1/predictions/{id}/cancel
 *   POST /v1/files (multipart content+metadata)  GET|DELETE /v1/files/{id}
 *   GET  /delivery/{id}/out-0.png                        the output file (replicate.delivery; no token)
 *   /__fake/enqueue|default|requests|state|reset         control API for a separate process
 * Predictions go starting → processing → succeeded|failed on timers, like the real queue
 * (https://replicate.com/docs/topics/predictions/lifecycle). `Prefer: wait[=n]` holds the create
 * request until the prediction ends or n seconds pass (sync mode,
 * https://replicate.com/docs/topics/predictions/create-a-prediction); `Cancel-After` cancels it
 * at its deadline (https://replicate.com/changelog/2025-10-16-prediction-deadlines). Errors are
 * Replicate's problem-details JSON ({title, detail, status}); 429 carries Retry-After
 * (https://replicate.com/docs/topics/predictions/rate-limits).
 * PhotoMaker inputs are validated against the Cog predictor's schema (predict.py of
 * TencentARC/PhotoMaker), whose trigger-word checks run for real: a prompt without exactly one
 * `img`, or with `img` in the negative prompt, fails as the model does.
 */

export type FakeReplicateAnswer =
  | "image"
  /** Boots for `startingMs`, then runs for `processingMs` (the fake's default when not given). */
  | { kind: "cold-start"; startingMs: number; processingMs?: number }
  | { kind: "rate-limit"; retryAfterSeconds?: number }
  /** The prediction runs fine, but the first `count` looks at it (GET) are throttled (429). */
  | { kind: "throttled-polls"; count: number }
  | "trigger-word"
  | "no-face"
  | "empty-output"
  | "model-error"
  | "server-error"
  | "unauthorized"
  | "billing"
  | "html-output"
  | "hang";

export type FakeReplicateTarget = "photomaker" | "flux";

export interface ReplicateRequest {
  method: string;
  path: string;
  route: "model" | "version" | "create" | "get" | "cancel" | "file-create" | "file-get" | "file-delete" | "delivery" | "other";
  headers: Record<string, string>;
  /** JSON body, or for multipart uploads the part names and sizes. */
  body: unknown;
  answer?: FakeReplicateAnswer;
}

export interface FakePrediction {
  id: string;
  target: FakeReplicateTarget;
  model: string;
  version: string;
  status: "starting" | "processing" | "succeeded" | "failed" | "canceled" | "aborted";
  input: Record<string, unknown>;
  /** The input photos as the model received them (decoded data: URIs or uploaded files). */
  photos: Buffer[];
  output: string[] | null;
  error: string | null;
  logs: string;
  answer: FakeReplicateAnswer;
  canceledBy: "client" | "deadline" | null;
  /** GETs still to throttle (throttled-polls). */
  throttleGets: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface FakeReplicate {
  url: string;
  /** REPLICATE_BASE_URL */
  baseUrl: string;
  photomakerVersion: string;
  enqueue(...answers: FakeReplicateAnswer[]): void;
  enqueueFlux(...answers: FakeReplicateAnswer[]): void;
  setDefault(answer: FakeReplicateAnswer, target?: FakeReplicateTarget): void;
  requests: ReplicateRequest[];
  predictions: FakePrediction[];
  /** Uploaded files not deleted yet. */
  liveFiles(): string[];
  /** Predictions still starting or processing (paid GPU work). */
  running(): FakePrediction[];
  reset(): void;
  close(): Promise<void>;
}

/** The 11 style names of PhotoMaker's demo, as predict.py's `style_name` choices spell them. */
export const DEMO_STYLE_NAMES = [
  "(No style)", "Cinematic", "Disney Charactor", "Digital Art", "Photographic (Default)", "Fantasy art",
  "Neonpunk", "Enhance", "Comic book", "Lowpoly", "Line art",
];
const FLUX_ASPECT_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];
const PHOTOMAKER = "tencentarc/photomaker";
const FLUX = "black-forest-labs/flux-schnell";
/** SDXL's native size: PhotoMaker on Replicate takes no width/height. */
export const PHOTOMAKER_OUTPUT_SIZE = 1024;

const SIMPLE = new Set(["image", "trigger-word", "no-face", "empty-output", "model-error", "server-error", "unauthorized", "billing", "html-output", "hang"]);

export function isFakeReplicateAnswer(value: unknown): value is FakeReplicateAnswer {
  if (typeof value === "string") return SIMPLE.has(value);
  const v = value as { kind?: unknown; startingMs?: unknown; processingMs?: unknown } | null;
  const count = (value as { count?: unknown } | null)?.count;
  return v?.kind === "rate-limit" || (v?.kind === "cold-start" && typeof v.startingMs === "number" && ["number", "undefined"].includes(typeof v.processingMs)) || (v?.kind === "throttled-polls" && typeof count === "number");
}

const versionId = (model: string) => createHash("sha256").update(`${model}@fake`).digest("hex");

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
const problem = (res: ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  json(res, status, { title, detail, status, ...extra }, headers);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", reject);
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

/** "30s", "5m", "1h30m45s" (Replicate's Cancel-After format) → ms, or null. */
export function parseDuration(value: string): number | null {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
  if (!m || value.trim() === "") return null;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** Multipart parsing enough for the client's uploads: name, filename, content type and bytes of each part. */
function parseMultipart(body: Buffer, contentType: string): { name: string; type: string; bytes: Buffer }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return [];
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: { name: string; type: string; bytes: Buffer }[] = [];
  let at = body.indexOf(marker);
  while (at >= 0) {
    const next = body.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = body.subarray(at + marker.length + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    parts.push({
      name: /name="([^"]+)"/.exec(head)?.[1] ?? "",
      type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? "",
      bytes: part.subarray(split + 4),
    });
    at = next;
  }
  return parts;
}

const isImage = (b: Buffer) => (b[0] === 0xff && b[1] === 0xd8) || (b[0] === 0x89 && b[1] === 0x50);

export async function startFakeReplicate(options: { port?: number; processingMs?: number; startingMs?: number } = {}): Promise<FakeReplicate> {
  const startingMs = options.startingMs ?? 20;
  const processingMs = options.processingMs ?? 40;
  const queues: Record<FakeReplicateTarget, FakeReplicateAnswer[]> = { photomaker: [], flux: [] };
  const defaults: Record<FakeReplicateTarget, FakeReplicateAnswer> = { photomaker: "image", flux: "image" };
  const requests: ReplicateRequest[] = [];
  const predictions: FakePrediction[] = [];
  const files = new Map<string, { bytes: Buffer; type: string; created: string }>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Map<string, Set<() => void>>();
  let url = "";

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const wake = (p: FakePrediction) => {
    const woken = waiters.get(p.id);
    waiters.delete(p.id); // listeners that still wait register again
    for (const w of woken ?? []) w();
  };
  const terminal = (p: FakePrediction) => !["starting", "processing"].includes(p.status);
  const finish = (p: FakePrediction, status: FakePrediction["status"], fields: Partial<FakePrediction> = {}) => {
    if (terminal(p)) return;
    Object.assign(p, { status, completedAt: new Date().toISOString() }, fields);
    wake(p);
  };

  const view = (p: FakePrediction) => ({
    id: p.id,
    model: p.model,
    version: p.target === "flux" ? "hidden" : p.version,
    input: p.input,
    logs: p.logs,
    output: p.output,
    data_removed: false,
    error: p.error,
    status: p.status,
    source: "api",
    created_at: p.createdAt,
    started_at: p.startedAt,
    completed_at: p.completedAt,
    metrics: terminal(p) && p.startedAt ? { predict_time: 0.04 } : {},
    urls: {
      get: `${url}/v1/predictions/${p.id}`,
      cancel: `${url}/v1/predictions/${p.id}/cancel`,
      web: `${url}/p/${p.id}`,
    },
  });

  /** Starts the model's run: starting → processing → the scripted end. */
  function schedule(p: FakePrediction) {
    const cold = typeof p.answer === "object" && p.answer.kind === "cold-start" ? p.answer : undefined;
    const boot = cold?.startingMs ?? startingMs;
    later(boot, () => {
      if (terminal(p)) return;
      p.status = "processing";
      p.startedAt = new Date().toISOString();
      p.logs = "Using seed: " + String(p.input.seed ?? "random") + "\nStart inference...\n";
      wake(p);
      if (p.answer === "hang") return; // runs until canceled
      later(cold?.processingMs ?? processingMs, () => end(p));
    });
  }

  function end(p: FakePrediction) {
    const out = (name: string) => [`${url}/delivery/${p.id}/${name}`];
    // predict.py's own checks, before anything else
    if (p.target === "photomaker") {
      const prompt = String(p.input.prompt ?? "A photo of a person img");
      const triggers = prompt.match(/\bimg\b/g)?.length ?? 0;
      const message =
        p.answer === "trigger-word" || triggers === 0
          ? "Cannot find the trigger word 'img' in text prompt!"
          : triggers > 1
            ? "Cannot use multiple trigger words 'img' in text prompt!"
            : /\bimg\b/.test(String(p.input.negative_prompt ?? ""))
              ? "Cannot use trigger word 'img' in negative prompt!"
              : null;
      if (message) return finish(p, "failed", { error: message, logs: p.logs + `Traceback (most recent call last):\nValueError: ${message}\n` });
    }
    switch (p.answer) {
      case "no-face":
        return finish(p, "failed", { error: "No face detected, please update the input face image(s)" });
      case "model-error":
        return finish(p, "failed", { error: "CUDA out of memory. Tried to allocate 2.00 GiB" });
      case "empty-output":
        return finish(p, "succeeded", { output: [], logs: p.logs + "Running safety checker...\nNSFW content detected in image 0\n" });
      case "html-output":
        return finish(p, "succeeded", { output: out("out-0.html") });
      default:
        return finish(p, "succeeded", { output: out("out-0.png"), logs: p.logs + "Saving images to file...\n" });
    }
  }

  function validatePhotoMaker(input: Record<string, unknown>, photos: Buffer[]): { field: string; description: string }[] {
    const bad: { field: string; description: string }[] = [];
    const num = (f: string, min: number, max: number, int: boolean) => {
      const v = input[f];
      if (v === undefined) return;
      if (typeof v !== "number" || (int && !Number.isInteger(v))) bad.push({ field: f, description: `Invalid type. Expected: ${int ? "integer" : "number"}` });
      else if (v < min) bad.push({ field: f, description: `Must be greater than or equal to ${min}` });
      else if (v > max) bad.push({ field: f, description: `Must be less than or equal to ${max}` });
    };
    if (input.input_image === undefined) bad.push({ field: "input_image", description: "input_image is required" });
    for (const f of ["prompt", "negative_prompt"]) if (input[f] !== undefined && typeof input[f] !== "string") bad.push({ field: f, description: "Invalid type. Expected: string" });
    if (input.style_name !== undefined && !DEMO_STYLE_NAMES.includes(String(input.style_name))) {
      bad.push({ field: "style_name", description: `style_name must be one of the following: ${DEMO_STYLE_NAMES.map((n) => `"${n}"`).join(", ")}` });
    }
    num("num_steps", 1, 100, true);
    num("style_strength_ratio", 15, 50, false);
    num("num_outputs", 1, 4, true);
    num("guidance_scale", 1, 10, false);
    num("seed", 0, 2_147_483_647, true);
    if (input.disable_safety_checker !== undefined && typeof input.disable_safety_checker !== "boolean") bad.push({ field: "disable_safety_checker", description: "Invalid type. Expected: boolean" });
    if (photos.some((b) => !isImage(b))) bad.push({ field: "input_image", description: "cannot identify image file" });
    return bad;
  }

  function validateFlux(input: Record<string, unknown>): { field: string; description: string }[] {
    const bad: { field: string; description: string }[] = [];
    if (typeof input.prompt !== "string" || input.prompt === "") bad.push({ field: "prompt", description: "prompt is required" });
    if (input.aspect_ratio !== undefined && !FLUX_ASPECT_RATIOS.includes(String(input.aspect_ratio))) bad.push({ field: "aspect_ratio", description: "aspect_ratio must be one of the following" });
    if (input.output_format !== undefined && !["webp", "jpg", "png"].includes(String(input.output_format))) bad.push({ field: "output_format", description: "output_format must be one of the following" });
    const steps = input.num_inference_steps;
    if (steps !== undefined && (typeof steps !== "number" || steps < 1 || steps > 4)) bad.push({ field: "num_inference_steps", description: "Must be between 1 and 4" });
    return bad;
  }

  /** Data URIs and uploaded files, as the model's worker downloads them. */
  function photosOf(input: Record<string, unknown>): Buffer[] | string {
    const out: Buffer[] = [];
    for (const field of ["input_image", "input_image2", "input_image3", "input_image4"]) {
      const v = input[field];
      if (v === undefined || v === null) continue;
      if (typeof v !== "string") return `${field}: not a URI`;
      const data = /^data:([^;,]+);base64,(.*)$/s.exec(v);
      if (data) {
        out.push(Buffer.from(data[2]!, "base64"));
        continue;
      }
      const file = /\/v1\/files\/([\w-]+)$/.exec(v);
      const stored = file ? files.get(file[1]!) : undefined;
      if (!stored) return `${field}: could not download ${v.slice(0, 80)}`;
      out.push(stored.bytes);
    }
    return out;
  }

  async function create(req: IncomingMessage, res: ServerResponse, record: ReplicateRequest, body: Record<string, unknown>, official: string | null) {
    const target: FakeReplicateTarget = official === FLUX ? "flux" : "photomaker";
    let model: string;
    let version: string;
    if (official !== null) {
      if (official !== FLUX) return problem(res, 404, "Not found", "The requested resource could not be found.");
      model = FLUX;
      version = versionId(FLUX);
    } else {
      version = String(body.version ?? "");
      if (version !== versionId(PHOTOMAKER)) {
        return problem(res, 422, "Invalid version or not permitted", "The specified version does not exist (or perhaps you don't have permission to use it?)");
      }
      model = PHOTOMAKER;
    }
    const answer = queues[target].shift() ?? defaults[target];
    record.answer = answer;
    if (typeof answer === "object" && answer.kind === "rate-limit") {
      const headers: Record<string, string> = answer.retryAfterSeconds === undefined ? {} : { "retry-after": String(answer.retryAfterSeconds) };
      return json(res, 429, { detail: `Request was throttled. Expected available in ${answer.retryAfterSeconds ?? 1} second.` }, headers);
    }
    if (answer === "server-error") return problem(res, 500, "Internal Server Error", "Something went wrong on our end.");
    if (answer === "unauthorized") return problem(res, 401, "Unauthenticated", "You did not pass a valid authentication token");
    if (answer === "billing") {
      return problem(res, 402, "Insufficient credit", "You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit. Once you purchase credit, please wait a few minutes before trying again.");
    }
    const input = (body.input ?? {}) as Record<string, unknown>;
    const photos = target === "photomaker" ? photosOf(input) : [];
    if (typeof photos === "string") return problem(res, 422, "Input validation failed", `- ${photos}`);
    const invalid = target === "photomaker" ? validatePhotoMaker(input, photos) : validateFlux(input);
    if (invalid.length) {
      return problem(res, 422, "Input validation failed", invalid.map((f) => `- input.${f.field}: ${f.description}`).join("\n"), {
        invalid_fields: invalid.map((f) => ({ type: "invalid", ...f })),
      });
    }
    const p: FakePrediction = {
      id: randomBytes(13).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "x"),
      target,
      model,
      version,
      status: "starting",
      input,
      photos,
      output: null,
      error: null,
      logs: "",
      answer,
      canceledBy: null,
      throttleGets: typeof answer === "object" && answer.kind === "throttled-polls" ? answer.count : 0,
      createdAt: new Date().toISOString(),
      startedAt: null,
      completedAt: null,
    };
    predictions.push(p);
    schedule(p);
    const deadline = req.headers["cancel-after"];
    if (typeof deadline === "string") {
      const ms = parseDuration(deadline);
      if (ms === null) return problem(res, 400, "Invalid Cancel-After header", `"${deadline}" is not a duration like 30s, 5m or 1h30m`);
      later(ms, () => finish(p, p.status === "starting" ? "aborted" : "canceled", { canceledBy: "deadline" }));
    }
    const prefer = /^wait(?:=(\d+))?$/.exec(String(req.headers.prefer ?? "").trim());
    if (prefer) {
      const holdMs = Math.min(60, Number(prefer[1] ?? 60)) * 1000;
      await new Promise<void>((resolve) => {
        let settled = false;
        const done = () => {
          if (settled) return;
          settled = true;
          resolve();
        };
        const listen = (fn: () => void) => {
          let set = waiters.get(p.id);
          if (!set) waiters.set(p.id, (set = new Set()));
          set.add(fn);
        };
        const check = () => (terminal(p) ? done() : listen(check));
        listen(check);
        later(holdMs, done);
        res.once("close", done);
      });
    }
    json(res, 201, view(p), { location: `${url}/v1/predictions/${p.id}` });
  }

  async function control(path: string, body: Record<string, unknown>, res: ServerResponse) {
    const target: FakeReplicateTarget = body.target === "flux" ? "flux" : "photomaker";
    if (path === "/__fake/requests") return json(res, 200, requests);
    if (path === "/__fake/state") {
      return json(res, 200, {
        predictions: predictions.map((p) => ({ ...view(p), target: p.target, photoCount: p.photos.length, canceledBy: p.canceledBy })),
        running: fake.running().map((p) => p.id),
        files: fake.liveFiles(),
      });
    }
    if (scriptedAnswerControl({ queues, defaults, isAnswer: isFakeReplicateAnswer, reset: () => fake.reset() }, path, body, target, res)) return;
    return json(res, 400, { error: `bad control request ${path}` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://fake");
    const path = u.pathname;
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    const contentType = String(req.headers["content-type"] ?? "");
    let body: unknown;
    if (contentType.startsWith("multipart/form-data")) body = parseMultipart(raw, contentType).map((p) => ({ name: p.name, type: p.type, size: p.bytes.length }));
    else if (raw.length) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        body = raw.toString("utf8");
      }
    }
    if (path.startsWith("/__fake/")) return control(path, (body ?? {}) as Record<string, unknown>, res);

    const m = {
      model: /^\/v1\/models\/([\w.-]+)\/([\w.-]+)$/.exec(path),
      version: /^\/v1\/models\/([\w.-]+)\/([\w.-]+)\/versions\/(\w+)$/.exec(path),
      official: /^\/v1\/models\/([\w.-]+)\/([\w.-]+)\/predictions$/.exec(path),
      prediction: /^\/v1\/predictions\/(\w+)$/.exec(path),
      cancel: /^\/v1\/predictions\/(\w+)\/cancel$/.exec(path),
      file: /^\/v1\/files\/([\w-]+)$/.exec(path),
      delivery: /^\/delivery\/(\w+)\/(out-0\.(png|html))$/.exec(path),
    };
    const route: ReplicateRequest["route"] =
      m.version && method === "GET" ? "version"
        : m.model && method === "GET" ? "model"
          : (path === "/v1/predictions" || m.official) && method === "POST" ? "create"
            : m.cancel && method === "POST" ? "cancel"
              : m.prediction && method === "GET" ? "get"
                : path === "/v1/files" && method === "POST" ? "file-create"
                  : m.file && method === "GET" ? "file-get"
                    : m.file && method === "DELETE" ? "file-delete"
                      : m.delivery && method === "GET" ? "delivery" : "other";
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const record: ReplicateRequest = { method, path: `${path}${u.search}`, route, headers, body };
    requests.push(record);

    if (route === "delivery") {
      const p = predictions.find((x) => x.id === m.delivery![1]);
      if (!p || !p.output?.length) return problem(res, 404, "Not found", "No such file");
      if (m.delivery![3] === "html") {
        res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><html><body>Moved</body></html>");
        return;
      }
      const size = PHOTOMAKER_OUTPUT_SIZE;
      res.writeHead(200, { "content-type": "image/png" }).end(await fakePng(size, size, `${String(p.input.prompt)}|${String(p.input.seed)}`));
      return;
    }
    if (route === "other") return problem(res, 404, "Not found", `No route for ${method} ${path}`);
    if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) return problem(res, 401, "Unauthenticated", "You did not pass an authentication token");

    switch (route) {
      case "model": {
        const name = `${m.model![1]}/${m.model![2]}`;
        if (name !== PHOTOMAKER && name !== FLUX) return problem(res, 404, "Not found", "The requested resource could not be found.");
        return json(res, 200, {
          url: `https://replicate.com/${name}`,
          owner: m.model![1],
          name: m.model![2],
          description: name === PHOTOMAKER ? "Create photos, paintings and avatars for anyone in any style within seconds." : "The fastest image generation model",
          visibility: "public",
          is_official: name === FLUX,
          github_url: name === PHOTOMAKER ? "https://github.com/TencentARC/PhotoMaker" : null,
          run_count: 1,
          latest_version: { id: versionId(name), created_at: "2024-01-20T00:00:00Z", cog_version: "0.8.6", openapi_schema: {} },
        });
      }
      case "version": {
        const name = `${m.version![1]}/${m.version![2]}`;
        if (m.version![3] !== versionId(name)) return problem(res, 404, "Not found", "The requested resource could not be found.");
        return json(res, 200, { id: m.version![3], created_at: "2024-01-20T00:00:00Z", cog_version: "0.8.6", openapi_schema: {} });
      }
      case "create":
        return create(req, res, record, (body ?? {}) as Record<string, unknown>, m.official ? `${m.official[1]}/${m.official[2]}` : null);
      case "get":
      case "cancel": {
        const id = (m.cancel ?? m.prediction)![1]!;
        const p = predictions.find((x) => x.id === id);
        if (!p) return problem(res, 404, "Not found", "The requested resource could not be found.");
        if (route === "get" && p.throttleGets > 0) {
          p.throttleGets--;
          return json(res, 429, { detail: "Request was throttled. Expected available in 0 second." }, { "retry-after": "0" });
        }
        if (route === "cancel") finish(p, "canceled", { canceledBy: "client" });
        return json(res, 200, view(p));
      }
      case "file-create": {
        const parts = parseMultipart(raw, contentType);
        const content = parts.find((p) => p.name === "content");
        if (!content) return problem(res, 400, "Bad request", "content is required");
        const id = randomBytes(12).toString("hex");
        const created = new Date().toISOString();
        files.set(id, { bytes: content.bytes, type: content.type, created });
        return json(res, 201, {
          id,
          content_type: content.type,
          size: content.bytes.length,
          checksums: { sha256: createHash("sha256").update(content.bytes).digest("hex") },
          metadata: {},
          created_at: created,
          expires_at: new Date(Date.now() + 86_400_000).toISOString(),
          urls: { get: `${url}/v1/files/${id}` },
        });
      }
      case "file-get": {
        const f = files.get(m.file![1]!);
        if (!f) return problem(res, 404, "Not found", "The requested resource could not be found.");
        return json(res, 200, { id: m.file![1], content_type: f.type, size: f.bytes.length, created_at: f.created, urls: { get: `${url}/v1/files/${m.file![1]}` } });
      }
      case "file-delete":
        if (!files.delete(m.file![1]!)) return problem(res, 404, "Not found", "The requested resource could not be found.");
        res.writeHead(204).end();
        return;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 599, { error: `fake server bug: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeReplicate = {
    url,
    baseUrl: `${url}/v1`,
    photomakerVersion: versionId(PHOTOMAKER),
    enqueue: (...answers) => void queues.photomaker.push(...answers),
    enqueueFlux: (...answers) => void queues.flux.push(...answers),
    setDefault: (answer, target = "photomaker") => void (defaults[target] = answer),
    requests,
    predictions,
    liveFiles: () => [...files.keys()],
    running: () => predictions.filter((p) => !terminal(p)),
    reset() {
      queues.photomaker.length = 0;
      queues.flux.length = 0;
      defaults.photomaker = "image";
      defaults.flux = "image";
      requests.length = 0;
      for (const p of predictions) finish(p, "canceled");
      predictions.length = 0;
      files.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const p of predictions) wake(p);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return fake;
}
