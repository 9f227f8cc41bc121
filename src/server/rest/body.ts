import { MAX_PHOTO_BYTES, MAX_PHOTOS } from "../photos/limits";
import { restError } from "./errors";

/** Four photos at the per-photo limit plus room for the text fields and multipart framing. */
export const MAX_BODY_BYTES = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024;

/**
 * The multipart body as FormData, read at most `maxBytes` far: a declared Content-Length over the
 * limit is refused before reading anything, and a chunked body is cut off once it passes it.
 * Returns a Response (413 / 400) when the body can't be used.
 */
export async function readMultipart(req: Request, maxBytes = MAX_BODY_BYTES): Promise<FormData | Response> {
  const tooLarge = () =>
    restError(413, "PAYLOAD_TOO_LARGE", `The request body is over ${Math.floor(maxBytes / (1024 * 1024))} MB (up to ${MAX_PHOTOS} photos of ${MAX_PHOTO_BYTES / (1024 * 1024)}MB each)`);
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) return tooLarge();

  const contentType = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return restError(400, "BAD_REQUEST", "Send the fields as multipart/form-data (curl -F), with the photos as files photo0…photo3");
  }

  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    return restError(400, "BAD_REQUEST", "The multipart body could not be read: check the boundary and the parts");
  }
}
