import { createHash } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apikey } from "~/server/db/schema";
import { createTestApp, type TestApp } from "../helpers/app";
import { restClient, scriptUser, type ErrorBody } from "./client";

/** apiToken.create / list / revoke over better-auth's api-key plugin, and what the route makes of them. */
let app: TestApp;
let call: ReturnType<typeof restClient>;
beforeAll(async () => {
  app = await createTestApp();
  call = restClient(app);
});
afterAll(() => app.close());

async function code(promise: Promise<unknown>) {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

const status = (token: string | undefined, id = "no-such-generation") => call(`/api/avatar-creator/generations/${id}`, { token });

describe("apiToken", () => {
  it("shows the token once, stores only its hash and lists name, dates and the first characters", async () => {
    const u = await app.signUp();
    const created = await u.caller.apiToken.create({ name: "  Nightly build  " });
    expect(created.token).toMatch(/^avs_[A-Za-z]{64}$/);

    const [row] = await app.db.select().from(apikey).where(eq(apikey.id, created.id));
    expect(row!.key).not.toContain(created.token.slice(4, 20));
    expect(row!.key).toBe(createHash("sha256").update(created.token).digest("base64url"));

    const list = await u.caller.apiToken.list();
    expect(list).toEqual([{ id: created.id, name: "Nightly build", start: created.token.slice(0, 8), createdAt: expect.any(Date), lastUsedAt: null }]);
    expect(JSON.stringify(list)).not.toContain(created.token);

    // Using it (a 404 for an unknown generation is still an authenticated call) stamps "last used".
    expect((await status(created.token)).status).toBe(404);
    const [used] = await u.caller.apiToken.list();
    expect(used!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("revokes at once, only the owner's token, and another user's id is NOT_FOUND", async () => {
    const owner = await scriptUser(app);
    const other = await app.signUp();
    const [listed] = await owner.caller.apiToken.list();
    expect(await code(other.caller.apiToken.revoke({ id: listed!.id }))).toBe("NOT_FOUND");
    expect((await status(owner.token)).status).toBe(404);

    await owner.caller.apiToken.revoke({ id: listed!.id });
    const res = await status(owner.token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await res.json()) as ErrorBody).error.code).toBe("UNAUTHORIZED");
    expect(await owner.caller.apiToken.list()).toEqual([]);
    expect(await code(owner.caller.apiToken.revoke({ id: listed!.id }))).toBe("NOT_FOUND");
  });

  it("lists only the caller's tokens, newest first, and refuses bad names and anonymous callers", async () => {
    const u = await app.signUp();
    const other = await app.signUp();
    await other.caller.apiToken.create({ name: "theirs" });
    await u.caller.apiToken.create({ name: "first" });
    await u.caller.apiToken.create({ name: "second" });
    expect((await u.caller.apiToken.list()).map((t) => t.name)).toEqual(["second", "first"]);
    expect(await code(u.caller.apiToken.create({ name: "   " }))).toBe("BAD_REQUEST");
    expect(await code(u.caller.apiToken.create({ name: "x".repeat(61) }))).toBe("BAD_REQUEST");
    expect(await code(app.anonymous.apiToken.create({ name: "nope" }))).toBe("UNAUTHORIZED");
    expect(await code(app.anonymous.apiToken.list())).toBe("UNAUTHORIZED");
  });

  it("keeps the plugin's own HTTP endpoints closed: apiToken.* is the one way in", async () => {
    const u = await app.signUp();
    const signIn = await app.auth.api.signInEmail({ body: { email: u.email, password: "correct horse battery" }, returnHeaders: true });
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const headers = { cookie, origin: "http://localhost:3000", "content-type": "application/json" };
    const list = await app.auth.handler(new Request("http://localhost:3000/api/auth/api-key/list", { headers }));
    const create = await app.auth.handler(
      new Request("http://localhost:3000/api/auth/api-key/create", { method: "POST", headers, body: JSON.stringify({ name: "x", prefix: "mine_" }) }),
    );
    expect([list.status, create.status]).toEqual([404, 404]);
    // The same session still works where sessions belong.
    expect((await app.auth.handler(new Request("http://localhost:3000/api/auth/get-session", { headers }))).status).toBe(200);
  });

  it("answers 401 without a token, with a malformed or unknown one, and with another scheme", async () => {
    const u = await scriptUser(app);
    const unknown = `avs_${"Q".repeat(64)}`;
    for (const authorization of [undefined, "Bearer", "Bearer not-a-token", `Bearer ${unknown}`, `Basic ${u.token}`, u.token]) {
      const res = await call("/api/avatar-creator/generations/x", { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: "UNAUTHORIZED", field: null });
    }
  });
});
