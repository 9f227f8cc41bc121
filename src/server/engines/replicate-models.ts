import type Replicate from "replicate";
import { GenerationFailure } from "../failures";

/** A Replicate model as configured: owner/name, with a version or without (then: its latest). */
export interface ModelRef {
  owner: string;
  name: string;
  version: string | null;
}

export interface ResolvedModel {
  /** The version to run (null for an official model run by name, whose version Replicate keeps hidden). */
  version: string | null;
  /** Official models (FLUX by Black Forest Labs…) are run by name: POST /models/{owner}/{name}/predictions. */
  official: boolean;
}

/**
 * Without a version in the configuration, the model's latest version is looked up once per process
 * (GET /models/{owner}/{name}) and reused; a failed lookup is not kept, so the next call asks again.
 * On globalThis: Next's bundle and the server script each load this module once, in one process.
 */
const KEY = Symbol.for("avatar-studio.replicate-models");
const holder = globalThis as { [KEY]?: Map<string, Promise<ResolvedModel>> };
const cache = (holder[KEY] ??= new Map());

/** `api` runs a client call and classifies what it throws, so every waiter gets the same GenerationFailure. */
export function resolveModel(
  client: Replicate,
  api: <T>(call: () => Promise<T>) => Promise<T>,
  baseUrl: string,
  ref: ModelRef,
  signal: AbortSignal,
): Promise<ResolvedModel> {
  if (ref.version) return Promise.resolve({ version: ref.version, official: false });
  const key = `${baseUrl}|${ref.owner}/${ref.name}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = api(() => client.models.get(ref.owner, ref.name, { signal })).then((model) => {
      const version = model.latest_version?.id ?? null;
      if (!model.is_official && !version) {
        throw new GenerationFailure("PHOTOMAKER_INVALID_PARAMS", { detail: `Replicate model ${ref.owner}/${ref.name} has no version to run` });
      }
      return { version, official: model.is_official === true };
    });
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** Tests: forget what was resolved (each test's fake server is new). */
export function forgetResolvedModels(): void {
  cache.clear();
}
