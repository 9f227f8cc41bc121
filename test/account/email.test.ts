import "../helpers/face-check-off";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgotPasswordForm, resetPasswordForm, sendVerificationForm } from "~/server/account/forms";
import { session, user, verification } from "~/server/db/schema";
import { createMailer } from "~/server/email/mailer";
import { startMailbox, type Mailbox } from "../fakes/mailbox";
import { createTestApp, type TestApp } from "../helpers/app";
import { browserSession, TEST_ORIGIN } from "../helpers/browser-session";
import { photoForm, portraitJpeg } from "../helpers/photos";
import { codeOf } from "../helpers/trpc";

/**
 * Password reset and email verification end to end through better-auth's own flows, over a real
 * SMTP server started here: the mail arrives, its link works once, every session ends, and neither
 * the email nor a password ever appears in a URL the browser is sent to.
 */
const NEW_PASSWORD = "a brand new passphrase";
let mailbox: Mailbox;
let app: TestApp;

beforeAll(async () => {
  mailbox = await startMailbox();
  app = await createTestApp({ env: { SMTP_URL: mailbox.url, EMAIL_FROM: "Avatar Studio <studio@example.com>", FACE_CHECK: "off" } });
});
afterAll(async () => {
  await app?.close();
  await mailbox?.close();
});

/** A browser's form POST: url-encoded fields, our origin. */
function formPost(path: string, fields: Record<string, string>, cookie?: string) {
  return new Request(`${TEST_ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: TEST_ORIGIN, ...(cookie && { cookie }) },
    body: new URLSearchParams(fields),
  });
}

const signIn = (email: string, password: string) =>
  app.auth.handler(
    new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: TEST_ORIGIN }, body: JSON.stringify({ email, password }) }),
  );

describe("password reset", () => {
  it("mails a one-hour link that works once, sets the new password and ends every session", async () => {
    const email = `reset-${Date.now()}@example.com`;
    const first = await browserSession(app.auth, email);
    await browserSession(app.auth, email, { signIn: true });
    const userId = first.id;
    expect(await app.db.select().from(session).where(eq(session.userId, userId))).toHaveLength(2);

    const asked = await forgotPasswordForm(app, formPost("/api/account/forgot-password", { email }));
    expect(asked.status).toBe(303);
    expect(asked.headers.get("location")).toBe("/forgot-password?sent=1");
    const mail = await mailbox.waitFor(email, { subject: /Reset your Avatar Studio password/ });
    expect(mail.from).toBe('"Avatar Studio" <studio@example.com>');
    expect(mail.text).toContain("works once, for an hour");
    const [link] = mail.links;
    expect(link).toMatch(new RegExp(`^${TEST_ORIGIN}/api/auth/reset-password/[\\w-]+\\?callbackURL=%2Freset-password$`));
    const [stored] = await app.db.select().from(verification).where(eq(verification.value, userId));
    expect(Math.abs(stored!.expiresAt.getTime() - Date.now() - 3600_000)).toBeLessThan(60_000);

    // The link: better-auth checks the token, then sends the browser to our page with it.
    const opened = await app.auth.handler(new Request(link!));
    expect(opened.status).toBe(302);
    const landing = new URL(opened.headers.get("location")!);
    expect(landing.pathname).toBe("/reset-password");
    const token = landing.searchParams.get("token")!;
    expect(token).toBeTruthy();

    const mismatch = await resetPasswordForm(app, formPost("/api/account/reset-password", { token, password: NEW_PASSWORD, confirm: "something else" }));
    expect(mismatch.headers.get("location")).toBe(`/reset-password?token=${token}&error=mismatch`);
    const short = await resetPasswordForm(app, formPost("/api/account/reset-password", { token, password: "short", confirm: "short" }));
    expect(short.headers.get("location")).toBe(`/reset-password?token=${token}&error=too_short`);

    const reset = await resetPasswordForm(app, formPost("/api/account/reset-password", { token, password: NEW_PASSWORD, confirm: NEW_PASSWORD }));
    expect(reset.status).toBe(303);
    expect(reset.headers.get("location")).toBe("/reset-password?done=1");
    for (const answer of [asked, mismatch, short, reset]) {
      expect(answer.headers.get("location")).not.toContain(NEW_PASSWORD);
      expect(answer.headers.get("location")).not.toContain(encodeURIComponent(email));
    }

    // Every session ended; the old password is refused, the new one works.
    expect(await app.db.select().from(session).where(eq(session.userId, userId))).toHaveLength(0);
    expect(await app.auth.api.getSession({ headers: new Headers({ cookie: first.cookie }), query: { disableCookieCache: true } })).toBeNull();
    expect((await signIn(email, "correct horse battery")).status).toBe(401);
    expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);

    // Once only: the same link and the same token are dead now.
    const again = await resetPasswordForm(app, formPost("/api/account/reset-password", { token, password: "yet another one!", confirm: "yet another one!" }));
    expect(again.headers.get("location")).toBe("/reset-password?error=invalid_token");
    const reopened = await app.auth.handler(new Request(link!));
    expect(new URL(reopened.headers.get("location")!).searchParams.get("error")).toBe("INVALID_TOKEN");
    expect((await signIn(email, "yet another one!")).status).toBe(401);
  });

  it("answers the same for an address with no account, and mails nothing", async () => {
    const before = mailbox.mails.length;
    const answer = await forgotPasswordForm(app, formPost("/api/account/forgot-password", { email: "nobody-here@example.com" }));
    expect(answer.headers.get("location")).toBe("/forgot-password?sent=1");
    await new Promise((r) => setTimeout(r, 300));
    expect(mailbox.mails.slice(before).filter((m) => m.to.includes("nobody-here@example.com"))).toEqual([]);
    expect((await forgotPasswordForm(app, formPost("/api/account/forgot-password", { email: "not an email" }))).headers.get("location")).toBe("/forgot-password?error=invalid_email");
  });

  it("refuses an expired link", async () => {
    const email = `expired-${Date.now()}@example.com`;
    const { id } = await browserSession(app.auth, email);
    const since = mailbox.mails.length;
    await forgotPasswordForm(app, formPost("/api/account/forgot-password", { email }));
    const token = new URL((await mailbox.waitFor(email, { since })).links[0]!).pathname.split("/").pop()!;
    await app.db.update(verification).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(verification.value, id));
    const answer = await resetPasswordForm(app, formPost("/api/account/reset-password", { token, password: NEW_PASSWORD, confirm: NEW_PASSWORD }));
    expect(answer.headers.get("location")).toBe("/reset-password?error=invalid_token");
  });

  it("without SMTP_URL writes the link to the log instead of sending it", async () => {
    const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const mailer = createMailer({ SMTP_URL: undefined, EMAIL_FROM: "x <x@example.com>" }, { warn: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }) } as never);
    await mailer.send({ to: "dev@example.com", subject: "Reset", text: "…", html: "…", link: "http://localhost:3000/api/auth/reset-password/abc" });
    expect(lines).toEqual([{ fields: { to: "dev@example.com", subject: "Reset", link: "http://localhost:3000/api/auth/reset-password/abc" }, message: expect.stringContaining("SMTP_URL is not set") }]);
  });
});

describe("email verification (REQUIRE_EMAIL_VERIFICATION=on)", () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({ jobs: true, env: { SMTP_URL: mailbox.url, REQUIRE_EMAIL_VERIFICATION: "on", FACE_CHECK: "off" } });
  });
  afterAll(() => strict?.close());

  it("mails a link at sign-up; until it is opened the account may browse but not generate or buy; 'send again' mails another", async () => {
    const email = `verify-${Date.now()}@example.com`;
    const since = mailbox.mails.length;
    const browser = await browserSession(strict.auth, email);
    const first = await mailbox.waitFor(email, { subject: /Verify your email address/, since });
    expect(first.text).toContain("not buy credits or make avatars");

    const u = await strict.signUp(`verify-b-${Date.now()}@example.com`);
    expect(await u.caller.account.status()).toEqual({ emailVerified: false, verificationRequired: true });
    const project = await u.caller.project.create({ name: "Still browsing" });
    expect((await u.caller.project.list()).map((p) => p.id)).toEqual([project.id]);
    const form = photoForm({ projectId: project.id, name: "x", prompt: "portrait" }, [{ bytes: await portraitJpeg(2) }]);
    expect(await codeOf(u.caller.avatar.generateWithPhotoMaker(form))).toBe("FORBIDDEN");
    expect(await codeOf(u.caller.billing.checkout({ pack: "starter" }))).toBe("FORBIDDEN");
    expect((await u.caller.credits.balance()).balance).toBe(100);

    // "Send again", from the banner's form, with the browser's session.
    const resend = await sendVerificationForm(strict, formPost("/api/account/send-verification", { returnTo: "/credits" }, browser.cookie));
    expect(resend.headers.get("location")).toBe("/credits?verification=sent");
    const second = await mailbox.waitFor(email, { subject: /Verify your email address/, since: mailbox.mails.indexOf(first) + 1 });
    const opened = await strict.auth.handler(new Request(second.links[0]!));
    expect([200, 302]).toContain(opened.status);
    const [row] = await strict.db.select({ verified: user.emailVerified }).from(user).where(eq(user.id, browser.id));
    expect(row!.verified).toBe(true);
    expect((await sendVerificationForm(strict, formPost("/api/account/send-verification", { returnTo: "//evil.example" }, browser.cookie))).headers.get("location")).toBe(
      "/projects?verification=done",
    );
  });

  it("lets a verified account generate", async () => {
    const u = await strict.signUp(`verified-${Date.now()}@example.com`);
    await strict.db.update(user).set({ emailVerified: true }).where(eq(user.id, u.id));
    const project = await u.caller.project.create({ name: "Verified" });
    const result = await u.caller.avatar.generateWithPhotoMaker(photoForm({ projectId: project.id, name: "x", prompt: "portrait" }, [{ bytes: await portraitJpeg(2) }]));
    expect(result.generationId).toBeTruthy();
  });
});
