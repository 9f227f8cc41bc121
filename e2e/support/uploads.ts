import type { Page, Request } from "@playwright/test";

/**
 * What the studio really sends. Chromium does not hand a request body built from Blobs (a
 * FormData with files) to the DevTools protocol, so `request.postDataBuffer()` is null for photo
 * uploads (microsoft/playwright#24077). Two views instead, which must agree:
 * - the FormData given to XMLHttpRequest.send (the tRPC upload link's transport), file by file,
 *   read back as bytes;
 * - the Content-Length of the request as it went on the wire (the browser's own header).
 */
export interface SentFile {
  field: string;
  filename: string;
  type: string;
  body: Buffer;
}

interface Wire {
  field: string;
  filename: string;
  type: string;
  base64: string;
}

/** Starts recording; call before the page loads. `next()` is the files of the next FormData sent. */
export async function recordUploads(page: Page) {
  const sent: SentFile[][] = [];
  const waiting: Array<(files: SentFile[]) => void> = [];
  await page.exposeBinding("__recordUpload", (_source, files: Wire[]) => {
    const decoded = files.map((f) => ({ field: f.field, filename: f.filename, type: f.type, body: Buffer.from(f.base64, "base64") }));
    const resolve = waiting.shift();
    if (resolve) resolve(decoded);
    else sent.push(decoded);
  });
  await page.addInitScript(() => {
    const send = XMLHttpRequest.prototype.send;
    const record = (window as unknown as { __recordUpload: (files: unknown[]) => void }).__recordUpload;
    const base64 = (blob: Blob) =>
      new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(blob);
      });
    XMLHttpRequest.prototype.send = function (body?: Document | XMLHttpRequestBodyInit | null) {
      if (body instanceof FormData) {
        const files = [...body.entries()].filter((e): e is [string, File] => e[1] instanceof File);
        void Promise.all(files.map(async ([field, f]) => ({ field, filename: f.name, type: f.type, base64: await base64(f) }))).then(record);
      }
      return send.call(this, body);
    };
  });
  return {
    next(): Promise<SentFile[]> {
      const ready = sent.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** The request's body size as the browser declared it on the wire. */
export async function contentLength(request: Request): Promise<number> {
  const value = (await request.allHeaders())["content-length"];
  if (value === undefined) throw new Error(`no Content-Length on ${request.url()}`);
  return Number(value);
}
