"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { canDownscale, chooseUpload, formatUploadSaving, UPLOAD_JPEG_QUALITIES, UPLOAD_MAX_SIDE, UPLOAD_TARGET_BYTES, type DownscaleOutcome } from "./downscale";
import type { DownscaleReply, DownscaleRequest } from "./downscale.worker";
import type { SelectedPhoto } from "./photos";


/**
 * Each chosen photo, shrunk for upload in a Web Worker as soon as it is chosen (so the work mostly
 * happens while the prompt is typed): `uploads()` gives the files to send, waiting for any still
 * in the worker; `saving` is the line shown under the photos. Whatever goes wrong, the original
 * is sent and the server decides, as it does for every photo.
 */
export function useDownscale(photos: readonly SelectedPhoto[]) {
  const worker = useRef<Worker | null>(null);
  const waiting = useRef(new Map<number, (outcome: DownscaleOutcome) => void>());
  const jobs = useRef(new Map<string, Promise<File>>());
  const nextId = useRef(0);
  const [sent, setSent] = useState<ReadonlyMap<string, number>>(new Map());

  const failAll = useCallback((reason: string) => {
    for (const resolve of waiting.current.values()) resolve({ kind: "undecodable", reason });
    waiting.current.clear();
  }, []);

  const run = useCallback((file: File): Promise<DownscaleOutcome> => {
    if (!canDownscale()) return Promise.resolve({ kind: "undecodable", reason: "this browser can't shrink photos" });
    if (!worker.current) {
      const started = new Worker(new URL("./downscale.worker.ts", import.meta.url));
      started.addEventListener("message", (event: MessageEvent<DownscaleReply>) => {
        const { id, ...outcome } = event.data;
        waiting.current.get(id)?.(outcome);
        waiting.current.delete(id);
      });
      // The worker could not start or crashed: everything waiting goes as chosen.
      started.addEventListener("error", (event) => {
        event.preventDefault();
        failAll(event.message || "the photo worker failed");
        started.terminate();
        if (worker.current === started) worker.current = null;
      });
      worker.current = started;
    }
    const id = ++nextId.current;
    const request: DownscaleRequest = { id, file, maxSide: UPLOAD_MAX_SIDE, qualities: UPLOAD_JPEG_QUALITIES, targetBytes: UPLOAD_TARGET_BYTES };
    return new Promise((resolve) => {
      waiting.current.set(id, resolve);
      worker.current!.postMessage(request);
    });
  }, [failAll]);

  useEffect(() => {
    const keys = new Set(photos.map((p) => p.key));
    for (const key of jobs.current.keys()) if (!keys.has(key)) jobs.current.delete(key);
    for (const photo of photos) {
      if (jobs.current.has(photo.key)) continue;
      const job = run(photo.file).then((outcome) => chooseUpload(photo.file, outcome));
      jobs.current.set(photo.key, job);
      void job.then((upload) => setSent((prev) => new Map(prev).set(photo.key, upload.size)));
    }
  }, [photos, run]);

  useEffect(
    () => () => {
      worker.current?.terminate();
      worker.current = null;
      failAll("the studio closed");
      jobs.current.clear();
    },
    [failAll],
  );

  /** The files to send for these photos, in order (waits for any still being shrunk). */
  const uploads = useCallback(
    (chosen: readonly SelectedPhoto[]) => Promise.all(chosen.map((p) => jobs.current.get(p.key) ?? Promise.resolve(p.file))),
    [],
  );

  const saving = formatUploadSaving(photos.map((p) => ({ originalBytes: p.file.size, uploadBytes: sent.get(p.key) ?? null })));
  return { uploads, saving };
}
