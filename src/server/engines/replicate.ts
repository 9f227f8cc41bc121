import Replicate, { type Prediction } from "replicate";
import { GenerationFailure, PHOTOMAKER_TIMEOUT_MS } from "../failures";
import { logger as appLogger } from "../logger";
import { APP_VERSION } from "../version";
import { alertIfOperatorProblem, clearEngineAlert, engineAlert } from "./alerts";
import { classifyError, classifyModelError, type CapturedResponse } from "./classify";
import { fitToSize } from "./fit";
import { withoutTrigger } from "./flux";
import { fluxLabel, photomakerLabel } from "./labels";
import { noRepeatFetch } from "./no-repeat-fetch";
import { fluxInput, photomakerInput } from "./replicate-input";
import { resolveModel, type ModelRef } from "./replicate-models";
import type { Engine, EngineCallOptions, EngineHealth, GeneratedImage, GenerationInput } from "./types";

/**
 * PhotoMaker (and FLUX) on Replicate with the official `replicate` client: create a prediction
 * (held open with `Prefer: wait` while there is time), poll it every ~2 s until it ends or our
 * deadline passes, cancel it on the deadline or when the caller gives up (never leave paid GPU
 * work running; `Cancel-After` makes Replicate cancel it too should this process die), then
 * download the image and fit it to the tier's size. HTTP API: https://replicate.com/docs/reference/http
 */
export interface ReplicateEngineOptions {
  token: string;
  /** REPLICATE_BASE_URL: https://api.replicate.com/v1, or a compatible server. */
  baseUrl: string;
  /** owner/name or owner/name:version */
  photomakerModel: string;
  fluxModel: string;
  fetch?: typeof fetch;
  /** Our deadline per attempt (default PHOTOMAKER_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Between two looks at a running prediction (default 2 s). */
  pollIntervalMs?: number;
  /** Photos up to this size travel inline as data: URIs; larger ones go through the files API. */
  dataUriMaxBytes?: number;
  healthTimeoutMs?: number;
  logger?: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export const REPLICATE_POLL_MS = 2_000;
export const DATA_URI_MAX_BYTES = 1024 * 1024;
/** Replicate holds a `Prefer: wait` request open for at most 60 s. */
const PREFER_WAIT_MAX_S = 60;
/** Seconds kept between the end of a held create and our deadline. */
const PREFER_WAIT_MARGIN_S = 5;
/** Replicate's own deadline sits past ours: we cancel first; it is the net for a crashed process. */
const CANCEL_AFTER_SLACK_S = 30;
/** Cancelling and deleting uploads get a short deadline of their own (ours may be spent). */
const CLEANUP_TIMEOUT_MS = 10_000;

const TERMINAL = new Set(["succeeded", "failed", "canceled", "aborted"]);

export function parseModelRef(ref: string): ModelRef {
  const match = /^([\w.-]+)\/([\w.-]+)(?::([\w]+))?$/.exec(ref.trim());
  if (!match) throw new GenerationFailure("PHOTOMAKER_INVALID_PARAMS", { detail: `"${ref}" is not owner/name or owner/name:version` });
  return { owner: match[1]!, name: match[2]!, version: match[3] ?? null };
}

export function createReplicateEngine(options: ReplicateEngineOptions): Engine {
  const baseFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? PHOTOMAKER_TIMEOUT_MS;
  const pollMs = options.pollIntervalMs ?? REPLICATE_POLL_MS;
  const dataUriMax = options.dataUriMaxBytes ?? DATA_URI_MAX_BYTES;
  const log = options.logger ?? appLogger;
  const photomakerRef = parseModelRef(options.photomakerModel);
  const fluxRef = parseModelRef(options.fluxModel);

  /** One client per call, so what its fetch captured belongs to that call. */
  function connect() {
    const seen: { last?: CapturedResponse } = {};
    const client = new Replicate({
      auth: options.token,
      baseUrl: options.baseUrl,
      userAgent: `avatar-studio/${APP_VERSION}`,
      fetch: noRepeatFetch(baseFetch, (response) => (seen.last = response)),
    });
    /** Runs one API call; anything it throws comes back classified. */
    const api = async <T>(call: () => Promise<T>): Promise<T> => {
      seen.last = undefined;
      try {
        return await call();
      } catch (error) {
        throw classifyError(error, seen.last);
      }
    };
    return { client, api };
  }

  async function run(kind: "photomaker" | "flux", input: GenerationInput, call: EngineCallOptions): Promise<GeneratedImage> {
    const started = Date.now();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([deadline, call.signal]) : deadline;
    const ref = kind === "photomaker" ? photomakerRef : fluxRef;
    const { client, api } = connect();
    const uploaded: string[] = [];
    let prediction: Prediction | undefined;
    try {
      const model = await resolveModel(client, api, options.baseUrl, ref, signal);

      const body =
        kind === "photomaker"
          ? photomakerInput(input, await Promise.all(input.photos.map((p) => photoUrl(p))))
          : fluxInput(options.fluxModel, input, withoutTrigger(input.fluxPrompt));
      // The held request must come back before our deadline: without its answer there is no id to cancel.
      const waitS = Math.min(PREFER_WAIT_MAX_S, Math.floor((timeoutMs - (Date.now() - started)) / 1000) - PREFER_WAIT_MARGIN_S);
      const headers: Record<string, string> = { "Cancel-After": `${Math.ceil(timeoutMs / 1000) + CANCEL_AFTER_SLACK_S}s` };
      if (waitS >= 1) headers.Prefer = `wait=${waitS}`;
      const route = model.official ? `/models/${ref.owner}/${ref.name}/predictions` : "/predictions";
      const data = model.official ? { input: body } : { version: model.version, input: body };
      // Only our deadline interrupts the create: a caller giving up meanwhile waits for the id, then cancels.
      prediction = await api(async () => (await client.request(route, { method: "POST", headers, data, signal: deadline })).json() as Promise<Prediction>);
      signal.throwIfAborted();

      while (!TERMINAL.has(prediction.status)) {
        call.onProgress?.({ status: prediction.status === "starting" ? "starting" : "processing", predictionId: prediction.id });
        prediction = await poll(api, client, prediction, signal);
      }
      const image = await outcome(prediction, input, signal);
      clearEngineAlert("replicate");
      return {
        ...image,
        engine: kind,
        model: `${ref.owner}/${ref.name}`,
        offlinePreview: false,
        provider: "replicate",
        version: prediction.version && prediction.version !== "hidden" ? prediction.version : model.version,
        predictionId: prediction.id,
      };
    } catch (error) {
      let failure = classifyError(error);
      if (prediction && !TERMINAL.has(prediction.status)) {
        const last = prediction.status;
        await cancel(prediction.id);
        // Our deadline, not the caller's abort: say why it didn't finish.
        if (deadline.aborted) {
          failure =
            last === "starting"
              ? new GenerationFailure("MODEL_LOADING", { detail: `prediction ${prediction.id} still starting after ${timeoutMs} ms (cold start); canceled` })
              : new GenerationFailure("GENERATION_TIMEOUT", { detail: `prediction ${prediction.id} still ${last} after ${timeoutMs} ms; canceled` });
        }
      }
      if (prediction && failure.predictionId === undefined) failure = withPrediction(failure, prediction.id);
      alertIfOperatorProblem("replicate", failure, log);
      throw failure;
    } finally {
      await Promise.all(uploaded.map((id) => removeUpload(id)));
    }

    /** Inline when small (no extra request), else uploaded with the files API and deleted afterwards. */
    async function photoUrl(photo: Buffer): Promise<string> {
      const type = photo[0] === 0x89 ? "image/png" : "image/jpeg";
      if (photo.byteLength <= dataUriMax) return `data:${type};base64,${photo.toString("base64")}`;
      const file = await api(() => client.files.create(new Blob([new Uint8Array(photo)], { type }), {}, { signal }));
      uploaded.push(file.id);
      return file.urls.get;
    }

    async function cancel(id: string) {
      try {
        await connect().client.predictions.cancel(id, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
      } catch (error) {
        log.warn({ predictionId: id, err: classifyError(error).message }, "could not cancel the Replicate prediction (Cancel-After will)");
      }
    }

    async function removeUpload(id: string) {
      try {
        await connect().client.files.delete(id, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) });
      } catch (error) {
        log.warn({ fileId: id, err: classifyError(error).message }, "could not delete an uploaded photo from Replicate (it expires in 24 h)");
      }
    }
  }

  /** The next look at a running prediction. A throttled or failed look is not the run failing: look again. */
  async function poll(api: ReturnType<typeof connect>["api"], client: Replicate, prediction: Prediction, signal: AbortSignal): Promise<Prediction> {
    let wait = pollMs;
    for (;;) {
      await sleep(wait, signal);
      try {
        return await api(() => client.predictions.get(prediction.id, { signal }));
      } catch (error) {
        const failure = error as GenerationFailure;
        const transient = ["RATE_LIMIT_EXCEEDED", "SERVER_ERROR", "NETWORK_ERROR"].includes(failure.code) && !signal.aborted;
        if (!transient) throw failure;
        wait = Math.max(pollMs, failure.retryAfterMs ?? 0);
      }
    }
  }

  /** A finished prediction: the image fitted to the tier, or the failure it is. */
  async function outcome(prediction: Prediction, input: GenerationInput, signal: AbortSignal) {
    const id = prediction.id;
    if (prediction.status === "failed") {
      const message = typeof prediction.error === "string" ? prediction.error : JSON.stringify(prediction.error ?? "failed");
      throw classifyModelError(message, `prediction ${id} failed: ${message.slice(0, 300)}`);
    }
    if (prediction.status === "aborted") {
      throw new GenerationFailure("MODEL_LOADING", { detail: `prediction ${id} aborted before it started (Cancel-After)` });
    }
    if (prediction.status === "canceled") {
      throw new GenerationFailure("SERVER_ERROR", { detail: `prediction ${id} was canceled on Replicate` });
    }
    const urls = (Array.isArray(prediction.output) ? prediction.output : [prediction.output]).filter((u): u is string => typeof u === "string" && u !== "");
    if (urls.length === 0) {
      // The model's safety checker drops flagged images and returns what is left: nothing.
      throw new GenerationFailure("CONTENT_FILTERED", { detail: `prediction ${id} succeeded with no image (safety checker)` });
    }
    let response: Response;
    try {
      response = await baseFetch(urls[0]!, { signal, cache: "no-store" });
    } catch (error) {
      throw classifyError(error);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new GenerationFailure("BAD_OUTPUT", { status: response.status, detail: `prediction ${id}: its output answered HTTP ${response.status}` });
    }
    return fitToSize(Buffer.from(await response.arrayBuffer()), input.width, input.height);
  }

  const photomakerName = `${photomakerRef.owner}/${photomakerRef.name}`;
  const photomakerInfo = (version: string | null) => ({ model: photomakerName, version, label: photomakerLabel("replicate", photomakerName) });

  return {
    name: "replicate",
    models: {
      photomaker: photomakerInfo(photomakerRef.version),
      flux: { model: `${fluxRef.owner}/${fluxRef.name}`, version: fluxRef.version, label: fluxLabel("replicate") },
    },
    photomaker: (input, call = {}) => run("photomaker", input, call),
    flux: (input, call = {}) => run("flux", input, call),

    /** Resolves PhotoMaker's version (once per process; the models API also checks the token). */
    async health(): Promise<EngineHealth> {
      const alert = engineAlert("replicate");
      const alertText = alert ? `${alert.code}: ${alert.detail}` : null;
      try {
        const { client, api } = connect();
        const model = await resolveModel(client, api, options.baseUrl, photomakerRef, AbortSignal.timeout(options.healthTimeoutMs ?? 5_000));
        return {
          ok: !alert,
          detail: `Replicate: ${photomakerName} version ${model.version ?? "(official, latest)"}${alertText ? `; alert: ${alertText}` : ""}`,
          photomaker: photomakerInfo(model.version),
          alert: alertText,
        };
      } catch (error) {
        const failure = classifyError(error);
        const note = failure.code === "AUTH_FAILED" ? " (token rejected)" : "";
        return { ok: false, detail: `Replicate unreachable${note}: ${failure.code} ${failure.detail ?? ""}`.trim(), photomaker: photomakerInfo(photomakerRef.version), alert: alertText };
      }
    },
  };
}

function withPrediction(failure: GenerationFailure, predictionId: string): GenerationFailure {
  return new GenerationFailure(failure.code, {
    predictionId,
    ...(failure.detail !== undefined && { detail: failure.detail }),
    ...(failure.status !== undefined && { status: failure.status }),
    ...(failure.retryAfterMs !== undefined && { retryAfterMs: failure.retryAfterMs }),
    cause: failure.cause,
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
