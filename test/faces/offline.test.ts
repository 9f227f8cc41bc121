import http from "node:http";
import https from "node:https";
import net from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { facePaths, loadFaceEngine } from "~/server/faces/engine";
import { personJpeg } from "../../scripts/make-face-fixtures";

/**
 * The face room never touches the network: with every way out of this process trapped (fetch to
 * anything but file:, http/https requests, raw sockets), the models load and a face is found and
 * described. The engine runs in-process here so the traps see everything it does.
 */
const attempts: string[] = [];
const trap = (what: string) => () => {
  attempts.push(what);
  throw new Error(`network use in the face room: ${what}`);
};

beforeAll(() => {
  const realFetch = globalThis.fetch;
  vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith("file:")) trap(`fetch ${url}`)();
    return realFetch(input, init);
  });
  for (const [name, mod] of [["http", http], ["https", https]] as const) {
    vi.spyOn(mod, "request").mockImplementation(trap(`${name}.request`));
    vi.spyOn(mod, "get").mockImplementation(trap(`${name}.get`));
  }
  vi.spyOn(net, "connect").mockImplementation(trap("net.connect"));
  vi.spyOn(net, "createConnection").mockImplementation(trap("net.createConnection"));
});
afterAll(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("offline face room", () => {
  it("has its traps armed", async () => {
    await expect(fetch("https://cdn.jsdelivr.net/npm/@vladmandic/human/models/blazeface.json")).rejects.toThrow(/network use/);
    expect(() => https.get("https://example.com")).toThrow(/network use/);
    expect(attempts.splice(0)).toEqual(["fetch https://cdn.jsdelivr.net/npm/@vladmandic/human/models/blazeface.json", "https.get"]);
  });

  it("loads every model and the wasm binary from node_modules and detects without a single request", async () => {
    const paths = facePaths();
    expect(paths.humanModule).toMatch(/node_modules\/@vladmandic\/human\/dist\/human\.esm\.js$/);
    expect(paths.wasmDir).toMatch(/node_modules\/@tensorflow\/tfjs-backend-wasm\/dist\/$/);

    const engine = await loadFaceEngine();
    expect(engine.info).toMatchObject({ backend: "wasm", human: "3.3.6", tfjs: "4.22.0" });
    const { data, info } = await sharp(await personJpeg(2)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const faces = await engine.detect({ data: new Uint8Array(data), width: info.width, height: info.height });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.boxScore).toBeGreaterThan(0.5);
    expect(faces[0]!.embedding).toHaveLength(1024);
    expect(attempts).toEqual([]);
  });
});
