/**
 * Tests and the browser-test server only: a fetch that sends every Hugging Face host (Hub
 * mapping lookup, router, legacy api-inference) to `baseUrl`, keeping path and query. Passed to
 * the InferenceClient as its `fetch`, so FLUX reaches the fake server. Note fal-ai's polling
 * uses the global fetch and would escape: use provider hf-inference with the fake.
 */
const HF_HOST = /^(?:[a-z0-9-]+\.)*(?:huggingface\.co|hf\.co)$/i;

export function redirectHuggingFaceHosts(baseUrl: string, fetchImpl: typeof fetch = fetch): typeof fetch {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  const rewrite = (url: URL): URL => {
    if (!HF_HOST.test(url.hostname)) return url;
    const out = new URL(base.origin);
    out.pathname = `${basePath}${url.pathname}`;
    out.search = url.search;
    return out;
  };
  const redirected = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) {
      const target = rewrite(new URL(input.url));
      return fetchImpl(target.href === input.url ? input : new Request(target, input), init);
    }
    return fetchImpl(rewrite(new URL(String(input))), init);
  };
  return redirected as typeof fetch;
}
