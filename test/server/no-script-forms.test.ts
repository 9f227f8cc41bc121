import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleFormPost } from "~/server/forms/no-script";
import { createTestApp, type TestApp } from "../helpers/app";
import { TEST_ORIGIN } from "../helpers/browser-session";

/**
 * The browser's own form posts (before hydration or without JavaScript), through the real
 * better-auth: a 303 to a page, cookies on success, only an error code in any URL.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const PASSWORD = "correct horse battery";

function post(form: string, fields: Record<string, string>) {
  return handleFormPost(
    new Request(`${TEST_ORIGIN}/api/forms/${form}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: TEST_ORIGIN },
      body: new URLSearchParams(fields),
    }),
    form,
    { auth: app.auth },
  );
}

const email = `no-script-${Date.now()}@example.com`;

describe("POST /api/forms/<form>", () => {
  it("sign-up: an account, its session cookie, and a 303 to the projects page", async () => {
    const res = await post("sign-up", { name: "", email, password: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/projects");
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect(cookie).toMatch(/session_token=/);
    const session = await app.auth.api.getSession({ headers: new Headers({ cookie }) });
    expect(session?.user).toMatchObject({ email, name: email.split("@")[0] });
  });

  it("sign-in: the right password signs in; a wrong one goes back with the code only", async () => {
    const ok = await post("sign-in", { email, password: PASSWORD });
    expect([ok.status, ok.headers.get("location")]).toEqual([303, "/projects"]);
    expect(ok.headers.getSetCookie().join()).toMatch(/session_token=/);

    const wrong = await post("sign-in", { email, password: "not the password" });
    expect([wrong.status, wrong.headers.get("location")]).toEqual([303, "/sign-in?error=INVALID_EMAIL_OR_PASSWORD"]);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it("sign-up with a taken email or a short password: back to the form with better-auth's code", async () => {
    expect((await post("sign-up", { email, password: PASSWORD })).headers.get("location")).toMatch(/^\/sign-up\?error=USER_ALREADY_EXISTS/);
    expect((await post("sign-up", { email: `x${email}`, password: "short" })).headers.get("location")).toBe("/sign-up?error=PASSWORD_TOO_SHORT");
  });

  it("any other form needs JavaScript: a page saying so", async () => {
    const res = await post("needs-javascript", { name: "x" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("This form needs JavaScript");
  });
});
