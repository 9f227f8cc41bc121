import type { CapturedResponse } from "./classify";

/**
 * A fetch for the `replicate` client that never sends the same request twice.
 *
 * The client retries by itself (replicate@1.4.0, lib/util.js withAutomaticRetries): a 429 on any
 * request and a 5xx on a GET are repeated up to five times, and as its backoff only sleeps when
 * the jittered delay happens to be a whole number, the repeats go out back to back — six requests
 * in a burst against a provider that just asked us to slow down. The workflow owns retries
 * (src/server/failures.ts), so this answers the client's repeats of one request with the first
 * answer. The client passes the same `init` object to every repeat of one request and a new one
 * for each new request, which is how a repeat is recognised. A thrown error (refused connection,
 * abort) is thrown again the same way.
 *
 * `onFailure` sees every HTTP error answer (status, headers, parsed body) for classification: the
 * client's ApiError keeps the body only inside its message. `cache: "no-store"` because Next.js
 * patches the global fetch to cache responses (the workflow runs inside a Next route handler).
 */
export function noRepeatFetch(fetchImpl: typeof fetch, onFailure: (response: CapturedResponse) => void): typeof fetch {
  const first = new WeakMap<object, Promise<{ status: number; statusText: string; headers: Headers; bytes: ArrayBuffer }>>();
  const replay = (s: { status: number; statusText: string; headers: Headers; bytes: ArrayBuffer }) =>
    new Response(s.bytes.byteLength ? s.bytes.slice(0) : null, { status: s.status, statusText: s.statusText, headers: s.headers });

  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (!init) return fetchImpl(input, { cache: "no-store" });
    const earlier = first.get(init);
    if (earlier) return replay(await earlier);
    let settle!: (value: { status: number; statusText: string; headers: Headers; bytes: ArrayBuffer }) => void;
    let fail!: (error: unknown) => void;
    const snapshot = new Promise<{ status: number; statusText: string; headers: Headers; bytes: ArrayBuffer }>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    snapshot.catch(() => {}); // only awaited by repeats, which may never come
    first.set(init, snapshot);
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, cache: "no-store" });
    } catch (error) {
      fail(error);
      throw error;
    }
    if (response.ok) {
      // The client never repeats a success; the body stays a stream for it to read.
      settle({ status: response.status, statusText: response.statusText, headers: response.headers, bytes: new ArrayBuffer(0) });
      return response;
    }
    const s = { status: response.status, statusText: response.statusText, headers: response.headers, bytes: await response.arrayBuffer() };
    onFailure({ status: s.status, headers: s.headers, body: parseBody(s.bytes) });
    settle(s);
    return replay(s);
  };
  return wrapped as typeof fetch;
}

function parseBody(bytes: ArrayBuffer): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
