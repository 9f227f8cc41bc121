import { fitWithin, worthReencoding, type DownscaleOutcome } from "./downscale";

/**
 * The studio's photo shrinker, off the page's thread: decode upright (EXIF orientation applied),
 * draw at ≤ 2048 px on an OffscreenCanvas, encode JPEG, a step lower while over ~1 MB. Nothing
 * but pixels survives the re-encode (no EXIF, no GPS). One photo at a time, so at most one decoded camera photo
 * (~100 MB of pixels for 24 MP) is alive. Started by useDownscale.ts.
 */

export interface DownscaleRequest {
  id: number;
  file: Blob;
  maxSide: number;
  /** Tried in turn until the JPEG is at most `targetBytes`. */
  qualities: readonly number[];
  targetBytes: number;
}

export type DownscaleReply = { id: number } & DownscaleOutcome;

async function downscale(request: DownscaleRequest): Promise<DownscaleOutcome> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(request.file, { imageOrientation: "from-image" });
  } catch (error) {
    return { kind: "undecodable", reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    const size = { width: bitmap.width, height: bitmap.height };
    if (!worthReencoding(size, request.file.size, request.maxSide)) return { kind: "kept" };
    const target = fitWithin(size, request.maxSide);
    const canvas = new OffscreenCanvas(target.width, target.height);
    const context = canvas.getContext("2d");
    if (!context) return { kind: "undecodable", reason: "no 2D canvas in this worker" };
    // JPEG has no alpha: transparent PNG areas go on white, as the server's own flattening does.
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, target.width, target.height);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, target.width, target.height);
    let blob: Blob | null = null;
    for (const quality of request.qualities) {
      blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
      if (blob.size <= request.targetBytes) break;
    }
    if (!blob) return { kind: "undecodable", reason: "no JPEG quality to encode at" };
    return { kind: "encoded", blob, ...target };
  } finally {
    bitmap.close();
  }
}

let queue: Promise<unknown> = Promise.resolve();

addEventListener("message", (event: MessageEvent<DownscaleRequest>) => {
  const request = event.data;
  queue = queue.then(async () => {
    let reply: DownscaleReply;
    try {
      reply = { id: request.id, ...(await downscale(request)) };
    } catch (error) {
      // Drawing or encoding failed (out of memory…): the original is sent, the server decides.
      reply = { id: request.id, kind: "undecodable", reason: error instanceof Error ? error.message : String(error) };
    }
    postMessage(reply);
  });
});
