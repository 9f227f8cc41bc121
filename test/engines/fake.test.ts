import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { startFakeHuggingFace } from "../fakes/huggingface";

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const infer = (url: string) =>
  fetch(url, { method: "POST", headers: { authorization: "Bearer hf_x", "content-type": "application/json", accept: "image/png" }, body: '{"inputs":"x"}' });

describe("fake Hugging Face server", () => {
  it("is scriptable over HTTP per target, records requests, and resets", async () => {
    const fake = await startFakeHuggingFace();
    try {
      expect((await post(`${fake.url}/__fake/enqueue`, { answers: ["no-face"], target: "photomaker" })).status).toBe(200);
      expect((await post(`${fake.url}/__fake/enqueue`, { answers: [{ kind: "rate-limit", retryAfterSeconds: 7 }], target: "flux" })).status).toBe(200);
      expect((await post(`${fake.url}/__fake/enqueue`, { answers: ["nonsense"] })).status).toBe(400);

      const first = await infer(fake.photomakerUrl);
      expect([first.status, await first.json()]).toEqual([400, { error: "No face detected, please update the input face image(s)" }]);
      const second = await infer(fake.photomakerUrl);
      expect([second.status, second.headers.get("content-type")]).toEqual([200, "image/png"]); // queue empty → default
      await second.arrayBuffer();
      const flux = await infer(`${fake.url}/hf-inference/models/a/b`);
      expect([flux.status, flux.headers.get("retry-after")]).toEqual([429, "7"]);
      await flux.arrayBuffer();

      const recorded = (await (await fetch(`${fake.url}/__fake/requests`)).json()) as { target: string; answer: unknown }[];
      expect(recorded.map((r) => [r.target, r.answer])).toEqual([
        ["photomaker", "no-face"],
        ["photomaker", "image"],
        ["flux", { kind: "rate-limit", retryAfterSeconds: 7 }],
      ]);
      expect((await post(`${fake.url}/__fake/default`, { answer: "server-error" })).status).toBe(200);
      expect((await infer(fake.photomakerUrl)).status).toBe(500);

      await post(`${fake.url}/__fake/reset`, {});
      expect(fake.requests).toHaveLength(0);
      const afterReset = await infer(fake.photomakerUrl);
      expect(afterReset.status).toBe(200);
      await afterReset.arrayBuffer();
    } finally {
      await fake.close();
    }
  });

  it("holds a scripted answer until release(), then gives it; refuses a hold of a hold", async () => {
    const fake = await startFakeHuggingFace();
    try {
      expect((await post(`${fake.url}/__fake/enqueue`, { answers: [{ kind: "hold", then: "hang" }] })).status).toBe(400);
      fake.enqueue({ kind: "hold", then: "no-face" });
      let answered = false;
      const pending = infer(fake.photomakerUrl).finally(() => (answered = true));
      while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      expect(answered).toBe(false);
      expect(fake.release()).toBe(1);
      const res = await pending;
      expect([res.status, await res.json()]).toEqual([400, { error: "No face detected, please update the input face image(s)" }]);
    } finally {
      await fake.close();
    }
  });

  it("closes promptly while a request hangs", async () => {
    const fake = await startFakeHuggingFace();
    fake.enqueue("hang");
    const pending = infer(fake.photomakerUrl).then(
      () => "answered",
      () => "dropped",
    );
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBe("dropped");
  });

  it("runs as its own process for the browser-test server", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/fakes/huggingface-cli.ts", "--port", "0"], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
      const { url, photomakerUrl } = JSON.parse(line) as { url: string; photomakerUrl: string };
      expect(photomakerUrl).toBe(`${url}/photomaker`);
      await post(`${url}/__fake/enqueue`, { answers: ["unauthorized"] });
      expect((await infer(photomakerUrl)).status).toBe(401);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
