import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleTRPCRequest } from "~/server/api/http";
import { createTestApp, type TestApp } from "../helpers/app";
import { browserSession, TEST_ORIGIN as origin } from "../helpers/browser-session";

/** The same requests the browser makes: better-auth's cookie session, then tRPC over HTTP. */
let app: TestApp;
let cookie = "";

beforeAll(async () => {
  app = await createTestApp();
  cookie = (await browserSession(app.auth, "http@example.com", { name: "Http" })).cookie;
});
afterAll(() => app.close());

async function trpc(path: string, input: unknown, headers: Record<string, string> = { cookie }) {
  const res = await handleTRPCRequest(
    new Request(`${origin}/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ json: input }),
    }),
    app,
  );
  return { status: res.status, body: (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string; code: number; data: { code: string; field: string | null; httpStatus: number } } } } };
}

describe("tRPC over HTTP with a cookie session", () => {
  it("carries the better-auth session into the context", async () => {
    const created = await trpc("project.create", { name: "From HTTP" });
    expect(created.status).toBe(200);
    expect(created.body.result?.data.json).toMatchObject({ name: "From HTTP" });
  });

  it("answers 401 UNAUTHORIZED without the cookie", async () => {
    const res = await trpc("project.create", { name: "x" }, {});
    expect(res.status).toBe(401);
    expect(res.body.error?.json.data.code).toBe("UNAUTHORIZED");
  });

  it.each([
    ["an empty name", { name: "" }, "name: Please give the project a name"],
    ["a 10,000-character name", { name: "x".repeat(10_000) }, "name: Too big"],
    ["a number for the name", { name: 12 }, "name: Invalid input: expected string"],
    ["a missing name", {}, "name: Invalid input: expected string"],
  ])("answers BAD_REQUEST naming the field for %s", async (_label, input, message) => {
    const res = await trpc("project.create", input);
    expect(res.status).toBe(400);
    expect(res.body.error?.json.data).toMatchObject({ code: "BAD_REQUEST", field: "name" });
    expect(res.body.error?.json.message).toContain(message);
  });

  it("names the nested field for the credits history limit", async () => {
    const res = await handleTRPCRequest(
      new Request(`${origin}/api/trpc/credits.history?input=${encodeURIComponent(JSON.stringify({ json: { limit: 1000 } }))}`, {
        headers: { cookie },
      }),
      app,
    );
    const body = (await res.json()) as { error: { json: { message: string; data: { field: string } } } };
    expect(res.status).toBe(400);
    expect(body.error.json.data.field).toBe("limit");
    expect(body.error.json.message).toMatch(/^limit: Too big/);
  });
});

describe("FormData over HTTP (the browser's split link)", () => {
  it("accepts a multipart generation request, and names the photo field when it is not an image", async () => {
    const projectRes = await trpc("project.create", { name: "Uploads" });
    const projectId = (projectRes.body.result?.data.json as { id: string }).id;
    const form = new FormData();
    form.set("projectId", projectId);
    form.set("name", "Avatar");
    form.set("prompt", "smiling");
    form.set("photo0", new File([new TextEncoder().encode("<svg></svg>")], "me.jpg", { type: "image/jpeg" }));
    const res = await handleTRPCRequest(
      new Request(`${origin}/api/trpc/avatar.generateWithPhotoMaker`, { method: "POST", headers: { cookie }, body: form }),
      app,
    );
    const body = (await res.json()) as { error: { json: { message: string; data: { field: string } } } };
    expect(res.status).toBe(400);
    expect(body.error.json.data.field).toBe("photo0");
    expect(body.error.json.message).toBe("Photo 1 (me.jpg) is not a JPEG or PNG image");
  });
});
