import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "~/server/api-tokens/rate-limit";
import { MAX_BODY_BYTES } from "~/server/rest/body";
import { createTestApp, type TestApp } from "../helpers/app";
import { portraitJpeg } from "../helpers/photos";
import { generatePath, guideForm, restClient, scriptUser, type ErrorBody, type ScriptUser } from "./client";

/**
 * Everything the route refuses, and how: JSON errors with the right status and field, before
 * anything is charged. No executor: nothing here may start a generation. Accounts start with 10
 * credits, less than a Basic generation (18).
 */
let app: TestApp;
let u: ScriptUser;
let photo: Buffer;
let call: ReturnType<typeof restClient>;
beforeAll(async () => {
  app = await createTestApp({ env: { WELCOME_CREDITS: "10" } });
  [u, photo] = await Promise.all([scriptUser(app), portraitJpeg()]);
  call = restClient(app, createRateLimiter(app.db, 1000)); // the limit has its own test below
});
afterAll(() => app.close());

const submit = (body: BodyInit, init: RequestInit & { token?: string } = {}) =>
  call(generatePath(u.projectId), { method: "POST", token: u.token, body, ...init });

function withField(form: FormData, key: string, value: string) {
  form.set(key, value);
  return form;
}

async function errorOf(res: Response) {
  const body = (await res.json()) as ErrorBody;
  return { status: res.status, ...body.error };
}

describe("bad input → 400 with the field, the browser's messages", () => {
  const cases: Array<[string, () => FormData, string, RegExp]> = [
    ["no photo", () => guideForm([]), "photos", /^Please upload at least one photo$/],
    ["a photo over 10 MB", () => guideForm([Buffer.alloc(10 * 1024 * 1024 + 1, 0xff)]), "photo0", /^Photo exceeds 10MB limit: photo 1 \(me-0\.jpg\) is 10\.1 MB$/],
    ["a file that is not an image", () => guideForm([Buffer.from("hello")]), "photo0", /is not a JPEG or PNG image/],
    ["photo0 sent as text", () => withField(guideForm([]), "photo0", "me.jpg"), "photo0", /^photo0 must be a file$/],
    ["no name", () => guideForm([photo], { name: "" }), "name", /^name: Please name this avatar$/],
    ["no prompt", () => guideForm([photo], { prompt: " " }), "prompt", /^prompt: Please describe the avatar$/],
    ["an age under 18", () => guideForm([photo], { personaAge: "12" }), "personaAge", /^personaAge: Age must be at least 18$/],
    ["a style strength out of range", () => guideForm([photo], { styleStrength: "2" }), "styleStrength", /between 0\.5 and 0\.95/],
    ["a seed that is not a number", () => guideForm([photo], { seed: "lucky" }), "seed", /^seed: /],
    ["a style note with the trigger word", () => guideForm([photo], { style: "imgur look" }), "style", /^The style can't contain "img"/],
    ["a style over 100 characters", () => guideForm([photo], { style: "x".repeat(101) }), "style", /^style: /],
    ["an unknown gender", () => guideForm([photo], { gender: "robot" }), "gender", /^Gender must be man, woman or person/],
    ["an unknown tier", () => guideForm([photo], { tier: "ultra" }), "tier", /^tier: /],
    ["a tier the plan doesn't include", () => guideForm([photo], { tier: "pro" }), "tier", /^Your free plan doesn't include the pro tier$/],
  ];
  it.each(cases)("%s", async (_what, form, field, message) => {
    const error = await errorOf(await submit(form()));
    expect(error).toMatchObject({ status: 400, code: "BAD_REQUEST", field });
    expect(error.message).toMatch(message);
  });

  it("a body that is not multipart, or broken multipart, is a 400 too", async () => {
    const json = await errorOf(await submit(JSON.stringify({ name: "x" }), { headers: { "content-type": "application/json" } }));
    expect(json).toMatchObject({ status: 400, code: "BAD_REQUEST", message: expect.stringMatching(/multipart\/form-data/) });
    const broken = await submit("--nope\r\ngarbage", { headers: { "content-type": "multipart/form-data; boundary=zzz" } });
    expect(await errorOf(broken)).toMatchObject({ status: 400, code: "BAD_REQUEST" });
  });

  it("charged nothing and stored nothing", async () => {
    expect(await u.caller.credits.balance()).toEqual({ balance: 10 });
    expect((await u.caller.generation.list({ projectId: u.projectId })).items).toEqual([]);
  });
});

describe("other refusals", () => {
  it("401 without a token, before looking at the body", async () => {
    expect(await errorOf(await submit(guideForm([photo]), { token: undefined }))).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });

  it("404 for another user's project, the same as for a missing one", async () => {
    const other = await scriptUser(app);
    for (const projectId of [other.projectId, "no-such-project"]) {
      const res = await call(generatePath(projectId), { method: "POST", token: u.token, body: guideForm([photo]) });
      expect(await errorOf(res)).toMatchObject({ status: 404, code: "NOT_FOUND", message: "Project not found" });
    }
    expect(await other.caller.credits.balance()).toEqual({ balance: 10 });
  });

  it("402 when credits are short, with the amounts", async () => {
    expect(await errorOf(await submit(guideForm([photo])))).toMatchObject({
      status: 402,
      code: "PAYMENT_REQUIRED",
      message: "Not enough credits: this costs 18 credits and your balance is 10.",
    });
    expect(await u.caller.credits.balance()).toEqual({ balance: 10 });
  });

  it("413 for a declared Content-Length over the limit, without reading the body", async () => {
    let pulled = false;
    const body = new ReadableStream({ pull: () => void (pulled = true) }, { highWaterMark: 0 });
    const res = await submit(body, {
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(MAX_BODY_BYTES + 1) },
      duplex: "half",
    } as RequestInit);
    expect(await errorOf(res)).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    expect(pulled).toBe(false);
  });

  it("413 for a streamed body that runs past the limit, cut off there", async () => {
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        if (sent > MAX_BODY_BYTES * 2) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await submit(body, { headers: { "content-type": "multipart/form-data; boundary=x" }, duplex: "half" } as RequestInit);
    expect(await errorOf(res)).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.byteLength);
  });

  it("405 for the wrong method and 404 for an unknown route", async () => {
    const wrong = await call(generatePath(u.projectId), { token: u.token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await call("/api/avatar-creator/nothing-here", { token: u.token })).status).toBe(404);
  });
});

describe("rate limit", () => {
  it("allows API_RATE_LIMIT_PER_MINUTE submits per token a minute, then 429 with Retry-After", async () => {
    const v = await scriptUser(app); // a token the other tests haven't spent
    const limited = restClient(app); // the configured limit: 10 by default
    expect(app.env.API_RATE_LIMIT_PER_MINUTE).toBe(10);
    const send = (token: string) => limited(generatePath(v.projectId), { method: "POST", token, body: guideForm([]) });
    for (let i = 0; i < 10; i++) expect((await send(v.token)).status).toBe(400);

    const refused = await send(v.token);
    expect(await errorOf(refused)).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Per token: another token of the same user has its own allowance; polling is not limited.
    const { token: second } = await v.caller.apiToken.create({ name: "second" });
    expect((await send(second)).status).toBe(400);
    expect((await limited("/api/avatar-creator/generations/x", { token: v.token })).status).toBe(404);
  });

  it("is one allowance for every instance: limiters of two processes share the database's count", async () => {
    const [a, b] = [createRateLimiter(app.db, 10), createRateLimiter(app.db, 10)];
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).take("shared-token")));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
  });

  it("lets requests through again once the oldest leaves the window", async () => {
    const limiter = createRateLimiter(app.db, 2, 60_000);
    const t0 = Date.now() - 120_000;
    expect((await limiter.take("t", t0)).allowed).toBe(true);
    expect((await limiter.take("t", t0 + 10_000)).allowed).toBe(true);
    expect(await limiter.take("t", t0 + 30_000)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect((await limiter.take("t", t0 + 60_001)).allowed).toBe(true);
    expect(await limiter.take("t", t0 + 60_002)).toEqual({ allowed: false, retryAfterSeconds: 10 }); // 10_000 leaves at 70_000
  });
});
