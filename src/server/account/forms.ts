import type { Auth } from "../auth";
import { publicUrl, type Env } from "../env";

/**
 * The account forms that work before (and without) JavaScript: each page's <form method="post">
 * lands here, which asks better-auth's own endpoint through its HTTP handler (so its rate limit and
 * origin checks apply, with the browser's headers passed on) and answers with a redirect back to a
 * page saying what happened. Nothing secret ever goes into a URL: emails and passwords travel in
 * the POST body only.
 */
export interface FormDeps {
  auth: Pick<Auth, "handler">;
  env: Env;
}

const FORWARDED = ["origin", "referer", "cookie", "user-agent", "x-forwarded-for", "x-real-ip", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"];

async function callAuth(deps: FormDeps, req: Request, endpoint: string, body: Record<string, unknown>) {
  const headers = new Headers({ "content-type": "application/json" });
  for (const name of FORWARDED) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const res = await deps.auth.handler(new Request(`${publicUrl(deps.env)}/api/auth/${endpoint}`, { method: "POST", headers, body: JSON.stringify(body) }));
  const answer = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  return { status: res.status, code: answer.code ?? null };
}

/** 303 See Other: the browser GETs the page, so a reload doesn't post the form again. */
function back(deps: FormDeps, path: string, params: Record<string, string> = {}): Response {
  const url = new URL(path, publicUrl(deps.env));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return new Response(null, { status: 303, headers: { location: `${url.pathname}${url.search}`, "cache-control": "no-store" } });
}

async function form(req: Request): Promise<FormData | null> {
  try {
    return await req.formData();
  } catch {
    return null;
  }
}

const field = (data: FormData | null, name: string) => {
  const value = data?.get(name);
  return typeof value === "string" ? value : "";
};

/**
 * "Forgot password?": better-auth mails a one-hour, single-use link (or logs it without SMTP). The
 * answer is the same whether or not the address has an account, so the form reveals nothing.
 */
export async function forgotPasswordForm(deps: FormDeps, req: Request): Promise<Response> {
  const email = field(await form(req), "email").trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) return back(deps, "/forgot-password", { error: "invalid_email" });
  const { status } = await callAuth(deps, req, "request-password-reset", { email, redirectTo: "/reset-password" });
  if (status === 429) return back(deps, "/forgot-password", { error: "rate_limited" });
  if (status >= 400) return back(deps, "/forgot-password", { error: "failed" });
  return back(deps, "/forgot-password", { sent: "1" });
}

/** The new password, twice, with the link's token: better-auth sets it, spends the token and ends every session. */
export async function resetPasswordForm(deps: FormDeps, req: Request): Promise<Response> {
  const data = await form(req);
  const token = field(data, "token");
  const password = field(data, "password");
  if (!token) return back(deps, "/reset-password", { error: "invalid_token" });
  if (password !== field(data, "confirm")) return back(deps, "/reset-password", { token, error: "mismatch" });
  const { status, code } = await callAuth(deps, req, "reset-password", { token, newPassword: password });
  if (status === 200) return back(deps, "/reset-password", { done: "1" });
  if (code === "PASSWORD_TOO_SHORT") return back(deps, "/reset-password", { token, error: "too_short" });
  if (code === "PASSWORD_TOO_LONG") return back(deps, "/reset-password", { token, error: "too_long" });
  if (status === 429) return back(deps, "/reset-password", { token, error: "rate_limited" });
  return back(deps, "/reset-password", { error: "invalid_token" });
}

/** "Send again" from the verification banner: a new link to the signed-in account's own address. */
export async function sendVerificationForm(deps: FormDeps & { auth: Pick<Auth, "handler" | "api"> }, req: Request): Promise<Response> {
  const returnTo = safePath(field(await form(req), "returnTo"));
  const session = await deps.auth.api.getSession({ headers: req.headers, query: { disableCookieCache: true } });
  if (!session) return back(deps, "/sign-in");
  if (session.user.emailVerified) return back(deps, returnTo, { verification: "done" });
  const { status } = await callAuth(deps, req, "send-verification-email", { email: session.user.email, callbackURL: "/projects?verification=done" });
  return back(deps, returnTo, { verification: status === 200 ? "sent" : status === 429 ? "rate_limited" : "failed" });
}

/** Only our own pages: "/credits", never "//elsewhere" or "https://…". */
function safePath(path: string): string {
  return /^\/(?!\/)[\w\-/]*$/.test(path) ? path : "/projects";
}
