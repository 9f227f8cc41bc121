"use client";

import { useSyncExternalStore } from "react";

/**
 * Upload progress for FormData mutations. fetch() can't report how much of a request body has
 * been sent, so the FormData link uses `xhrFetch`, a fetch built on XMLHttpRequest whose upload
 * events land here, keyed by the `uploadId` a caller puts in the operation's context
 * (`useMutation({ trpc: { context: { uploadId } } })`); the link forwards it as a header.
 */

export const UPLOAD_ID_HEADER = "x-upload-id";

export interface UploadProgress {
  /** Bytes sent so far and the body's size (0 while unknown). */
  loaded: number;
  total: number;
  /** "uploading" while bytes go out, "processing" once all are sent and the server works. */
  phase: "uploading" | "processing";
}

const progress = new Map<string, UploadProgress>();
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function report(id: string | null, value: UploadProgress | null) {
  if (!id) return;
  if (value) progress.set(id, value);
  else progress.delete(id);
  emit();
}

export function useUploadProgress(uploadId: string): UploadProgress | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => progress.get(uploadId) ?? null,
    () => null,
  );
}

/** The context to pass with a FormData mutation so its progress is reported under `uploadId`. */
export const uploadContext = (uploadId: string) => ({ uploadId });

function headerOf(init: RequestInit | undefined, name: string): string | null {
  return new Headers(init?.headers).get(name);
}

/** fetch(), for the FormData link only: same semantics tRPC needs, plus upload progress. */
export function xhrFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const id = headerOf(init, UPLOAD_ID_HEADER);
  return new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init?.method ?? "GET", typeof input === "string" || input instanceof URL ? String(input) : input.url);
    xhr.withCredentials = true;
    new Headers(init?.headers).forEach((value, key) => {
      if (key !== UPLOAD_ID_HEADER) xhr.setRequestHeader(key, value);
    });
    xhr.upload.onprogress = (e) => report(id, { loaded: e.loaded, total: e.lengthComputable ? e.total : 0, phase: "uploading" });
    xhr.upload.onload = () => {
      const sent = progress.get(id ?? "");
      report(id, { loaded: sent?.total ?? 0, total: sent?.total ?? 0, phase: "processing" });
    };
    xhr.onload = () => {
      report(id, null);
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const at = line.indexOf(":");
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve(new Response(xhr.status === 204 ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers }));
    };
    xhr.onerror = () => (report(id, null), reject(new TypeError("Network error: the upload did not reach the server")));
    xhr.onabort = () => (report(id, null), reject(new DOMException("The upload was cancelled", "AbortError")));
    if (init?.signal) {
      if (init.signal.aborted) return xhr.abort();
      init.signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    report(id, { loaded: 0, total: 0, phase: "uploading" });
    xhr.send((init?.body ?? null) as XMLHttpRequestBodyInit | null);
  });
}
