import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHuggingFaceEngine } from "~/server/engines";
import { photomakerRequest } from "~/server/engines/huggingface";
import { GenerationFailure } from "~/server/failures";
import { fakePng } from "../fakes/huggingface";
import { makeInput, rejection } from "./fixtures";

/**
 * The other half of inference/photomaker-v2/contract.json: every answer our PhotoMaker V2 handler
 * (and the endpoint's proxy) documents, replayed over HTTP through the real Hugging Face engine.
 * The Python tests prove the handler gives exactly these answers; this proves what each becomes.
 */
interface Answer {
  name: string;
  source: "handler" | "proxy";
  status: number;
  contentType: string;
  body?: unknown;
  expect: string;
}
const contract = JSON.parse(readFileSync("inference/photomaker-v2/contract.json", "utf8")) as {
  request: { inputs: string; parameters: Record<string, unknown>; input_id_images: string[] };
  answers: Answer[];
};

let server: Server;
let url: string;
let next: Answer;
const seen: { headers: IncomingMessage["headers"]; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      seen.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      const png = await fakePng(64, 64, "contract");
      const body =
        next.contentType === "image/png" ? png
          : next.body === "<base64 PNG>" ? JSON.stringify(png.toString("base64"))
            : typeof next.body === "string" ? next.body : JSON.stringify(next.body);
      res.writeHead(next.status, { "content-type": next.contentType }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const engine = () =>
  createHuggingFaceEngine({ token: "hf_contract", endpointUrl: url, fluxModel: "black-forest-labs/FLUX.1-schnell", fluxProvider: "hf-inference" });

describe("the PhotoMaker V2 handler's contract, through the real engine", () => {
  it("the engine sends the documented request: the same keys and parameters, and Accept: image/png", async () => {
    next = contract.answers[0]!;
    seen.length = 0;
    const input = await makeInput();
    await engine().photomaker(input);
    const [request] = seen;
    expect(request!.headers.accept).toBe("image/png");
    expect(request!.body).toEqual(photomakerRequest(input));
    const sent = request!.body as typeof contract.request;
    expect(Object.keys(sent).sort()).toEqual(Object.keys(contract.request).sort());
    expect(Object.keys(sent.parameters).sort()).toEqual(Object.keys(contract.request.parameters).sort());
    for (const [key, value] of Object.entries(contract.request.parameters)) expect([key, typeof sent.parameters[key]]).toEqual([key, typeof value]);
  });

  it.each(contract.answers.map((a) => [a.name, a] as const))("%s", async (_name, answer) => {
    next = answer;
    const input = await makeInput();
    if (answer.expect === "image") {
      const image = await engine().photomaker(input);
      expect((await sharp(image.bytes).metadata()).format).toBe("png");
      return;
    }
    const failure = await rejection(engine().photomaker(input));
    expect(failure).toBeInstanceOf(GenerationFailure);
    expect([(failure as GenerationFailure).code, (failure as GenerationFailure).status]).toEqual([answer.expect, answer.status]);
  });

  it("documents every way the handler answers", () => {
    expect(new Set(contract.answers.map((a) => a.expect))).toEqual(
      new Set(["image", "NO_FACE_DETECTED", "PHOTOMAKER_INVALID_PARAMS", "MODEL_LOADING", "BAD_OUTPUT"]),
    );
  });
});
