import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { scriptedAnswerControl } from "./http";

/**
 * A faithful fake of what our Hugging Face engine talks to, on 127.0.0.1:
 *   POST /photomaker                       the PhotoMaker Inference Endpoint (custom handler)
 *   GET  /photomaker                       health probe (never consumes a scripted answer)
 *   GET  /api/models/<id>?expand[]=…       Hub provider-mapping lookup (live hf-inference)
 *   POST /hf-inference/models/<id>         router route for FLUX on hf-inference
 *   POST /models/<id>                      legacy api-inference route (same FLUX queue)
 *   /__fake/enqueue|default|requests|release|reset control API for a separate process
 * Answers are scripted per target and consumed in order; the default is a real PNG.
 * Bodies mirror the real services (endpoint toolkit turns handler exceptions into 400 {error}).
 */

export type FakeAnswer =
  | "image"
  | "b64json"
  | "no-face"
  | "bad-trigger"
  /** PhotoMaker's other input error: no photo reached the handler (still invalid params, not no-face). */
  | "no-input-image"
  | "unauthorized"
  | { kind: "rate-limit"; retryAfterSeconds?: number }
  | { kind: "loading"; estimatedTime?: number }
  | "server-error"
  | "bad-gateway-html"
  | "html-200"
  | "unknown-json"
  | "hang"
  /** Held open until `release()`, then a real PNG: a generation that is running for as long as a test needs. */
  | "hold"
  /** Held open until `release()`, then answered as `then` (a failure that waits for the test). */
  | { kind: "hold"; then: ImmediateAnswer };

/** The answers given at once (never held or hung). */
type ImmediateAnswer = Exclude<FakeAnswer, "hold" | "hang" | { kind: "hold" }>;

export type FakeTarget = "photomaker" | "flux";

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. "/api/models/black-forest-labs/FLUX.1-schnell?expand[]=…". */
  path: string;
  target: FakeTarget | "hub" | "health" | "other";
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the raw text (undefined when empty). */
  body: unknown;
  /** What the fake answered (scripted targets only). */
  answer?: FakeAnswer;
}

export interface FakeHuggingFace {
  url: string;
  /** The endpoint URL to give the engine as PHOTOMAKER_ENDPOINT_URL. */
  photomakerUrl: string;
  enqueue(...answers: FakeAnswer[]): void;
  enqueueFlux(...answers: FakeAnswer[]): void;
  setDefault(answer: FakeAnswer, target?: FakeTarget): void;
  requests: RecordedRequest[];
  /**
   * How long each inference takes before its answer (a GPU at work); 0 by default. With it the
   * fake can tell how many inferences ran at once (`maxInFlight`), across every client.
   */
  setLatency(ms: number): void;
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Answers every held request ("hold") with its image; returns how many there were. */
  release(): number;
  /** Clears queues, defaults and the request log, and drops hanging and held requests. */
  reset(): void;
  close(): Promise<void>;
}

const SIMPLE = new Set([
  "image", "b64json", "no-face", "bad-trigger", "no-input-image", "unauthorized",
  "server-error", "bad-gateway-html", "html-200", "unknown-json", "hang", "hold",
]);

export function isFakeAnswer(value: unknown): value is FakeAnswer {
  if (typeof value === "string") return SIMPLE.has(value);
  const v = value as { kind?: unknown; then?: unknown } | null;
  if (v?.kind === "hold") return isFakeAnswer(v.then) && !["hold", "hang"].includes(v.then as string) && (v.then as { kind?: unknown }).kind !== "hold";
  return v?.kind === "rate-limit" || v?.kind === "loading";
}

/** A real PNG at the requested size, its colour derived from prompt and seed (deterministic). */
export async function fakePng(width = 64, height = 64, key = ""): Promise<Buffer> {
  const clamp = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? Math.min(2048, Math.max(8, Math.round(n))) : 64);
  const h = createHash("sha256").update(key).digest();
  return sharp({
    create: { width: clamp(width), height: clamp(height), channels: 3, background: { r: h[0]!, g: h[1]!, b: h[2]! } },
  })
    .png()
    .toBuffer();
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

async function answerWith(answer: ImmediateAnswer | "hang", res: ServerResponse, body: unknown, model: string, accept?: string): Promise<void> {
  const params = ((body as { parameters?: Record<string, unknown> } | null)?.parameters ?? {}) as Record<string, unknown>;
  const png = () =>
    fakePng(params.width as number, params.height as number, `${(body as { inputs?: unknown })?.inputs}|${params.seed}`);
  if (typeof answer === "object") {
    if (answer.kind === "rate-limit") {
      const headers: Record<string, string> =
        answer.retryAfterSeconds === undefined ? {} : { "retry-after": String(answer.retryAfterSeconds) };
      return json(res, 429, { error: "Rate limit reached. You reached PRO hourly usage limit." }, headers);
    }
    return json(res, 503, { error: `Model ${model} is currently loading`, estimated_time: answer.estimatedTime ?? 20 });
  }
  switch (answer) {
    case "image":
      // As the endpoint toolkit does: PNG bytes only when asked for, else the image as a JSON base64 string.
      if (accept !== "image/png" && model === "TencentARC/PhotoMaker-V2") return json(res, 200, (await png()).toString("base64"));
      res.writeHead(200, { "content-type": "image/png" }).end(await png());
      return;
    case "b64json":
      return json(res, 200, { data: [{ b64_json: (await png()).toString("base64") }] });
    case "no-face":
      return json(res, 400, { error: "No face detected, please update the input face image(s)" });
    case "bad-trigger":
      return json(res, 400, { error: "Cannot find the trigger word 'img' in text prompt! Please refer to step 2️⃣" });
    case "no-input-image":
      return json(res, 400, { error: "Cannot find any input face image! Please upload the face image" });
    case "unauthorized":
      return json(res, 401, { error: "Invalid credentials in Authorization header" });
    case "server-error":
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("Internal Server Error");
      return;
    case "bad-gateway-html":
      res
        .writeHead(502, { "content-type": "text/html" })
        .end("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
      return;
    case "html-200":
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html><html><body>Welcome</body></html>");
      return;
    case "unknown-json":
      return json(res, 200, { status: "done", images: "see you later" });
    case "hang":
      return; // never answered; close()/reset() destroy the socket
  }
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", reject);
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (text === "") return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
  });
}

export async function startFakeHuggingFace(options: { port?: number } = {}): Promise<FakeHuggingFace> {
  const queues: Record<FakeTarget, FakeAnswer[]> = { photomaker: [], flux: [] };
  const defaults: Record<FakeTarget, FakeAnswer> = { photomaker: "image", flux: "image" };
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let latencyMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const held: Array<() => void> = [];

  const dropHanging = () => {
    for (const res of hanging) res.destroy();
    hanging.clear();
  };
  const release = () => {
    const n = held.length;
    for (const answer of held.splice(0)) answer();
    return n;
  };

  async function control(path: string, body: unknown, res: ServerResponse): Promise<void> {
    const b = (body ?? {}) as { answers?: unknown; answer?: unknown; target?: unknown };
    const target: FakeTarget = b.target === "flux" ? "flux" : "photomaker";
    if (path === "/__fake/requests") return json(res, 200, requests);
    if (path === "/__fake/release") return json(res, 200, { ok: true, released: release() });
    if (scriptedAnswerControl({ queues, defaults, isAnswer: isFakeAnswer, reset: () => fake.reset() }, path, b, target, res)) return;
    return json(res, 400, { error: `bad control request ${path}` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const path = url.pathname;
    const body = await readBody(req);
    if (path.startsWith("/__fake/")) return control(path, body, res);

    const hub = /^\/api\/models\/(.+)$/.exec(path);
    const router = /^\/(?:hf-inference\/)?models\/(.+)$/.exec(path);
    const target: RecordedRequest["target"] =
      path === "/photomaker"
        ? req.method === "POST" ? "photomaker" : "health"
        : hub && req.method === "GET" ? "hub" : router && req.method === "POST" ? "flux" : "other";
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const record: RecordedRequest = { method: req.method ?? "GET", path: `${path}${url.search}`, target, headers, body };
    requests.push(record);

    if (target === "health") return json(res, 200, { status: "ok" });
    if (target === "hub") {
      const id = decodeURIComponent(hub![1]!);
      return json(res, 200, {
        _id: createHash("sha1").update(id).digest("hex").slice(0, 24),
        id,
        inferenceProviderMapping: [{ provider: "hf-inference", hfModelId: id, providerId: id, status: "live", task: "text-to-image" }],
      });
    }
    if (target === "other") return json(res, 404, { error: `Not Found: ${req.method} ${path}` });

    // Like the real router/endpoint: no bearer token, no inference.
    if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) {
      record.answer = "unauthorized";
      return answerWith("unauthorized", res, body, "");
    }
    const answer = queues[target].shift() ?? defaults[target];
    record.answer = answer;
    const model = target === "flux" ? decodeURIComponent(router![1]!) : "TencentARC/PhotoMaker-V2";
    if (answer === "hang") {
      hanging.add(res);
      return answerWith(answer, res, body, model, req.headers.accept);
    }
    if (answer === "hold" || (typeof answer === "object" && answer.kind === "hold")) {
      hanging.add(res);
      await new Promise<void>((resolve) => held.push(resolve));
      if (!res.destroyed) await answerWith(answer === "hold" ? "image" : answer.then, res, body, model, req.headers.accept);
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return await answerWith(answer, res, body, model, req.headers.accept);
    } finally {
      inFlight--;
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
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const fake: FakeHuggingFace = {
    url,
    photomakerUrl: `${url}/photomaker`,
    enqueue: (...answers) => void queues.photomaker.push(...answers),
    enqueueFlux: (...answers) => void queues.flux.push(...answers),
    setDefault: (answer, target = "photomaker") => void (defaults[target] = answer),
    requests,
    setLatency: (ms) => void (latencyMs = ms),
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    release,
    reset() {
      queues.photomaker.length = 0;
      queues.flux.length = 0;
      defaults.photomaker = "image";
      defaults.flux = "image";
      latencyMs = 0;
      maxInFlight = inFlight;
      requests.length = 0; // same array: callers holding `fake.requests` see the reset
      dropHanging();
      held.length = 0;
    },
    async close() {
      dropHanging();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      await closed;
    },
  };
  return fake;
}
