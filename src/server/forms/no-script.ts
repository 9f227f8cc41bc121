import type { Auth } from "../auth";

/**
 * Forms posted by the browser itself: before React has hydrated (a slow phone, a slow network)
 * or with JavaScript off. They POST here (never GET: a password must never reach a URL, and
 * from there browser history, logs and the next request's Referer) and get a page back.
 *
 * Sign-up and sign-in are passed to better-auth's own endpoints, so its checks, rate limit and
 * cookies apply exactly as to the JavaScript path; the answer is a 303 to the projects page, or
 * back to the form with the error's code (never the email). A post from another site (signing
 * the visitor in to an attacker's account) never gets here: the front door refuses it
 * (src/server/http/cross-site.ts). Every other form (the studio,
 * token creation…) needs JavaScript: its button stays disabled until the page has hydrated, and
 * a post that slips through gets a page saying so.
 */

export const NO_SCRIPT_FORMS = ["sign-in", "sign-up"] as const;
export type NoScriptForm = (typeof NO_SCRIPT_FORMS)[number];

const AUTH_PATH: Record<NoScriptForm, string> = { "sign-in": "/api/auth/sign-in/email", "sign-up": "/api/auth/sign-up/email" };

export async function handleFormPost(
  req: Request,
  form: string,
  deps: { auth: Pick<Auth, "handler"> },
): Promise<Response> {
  if (!(NO_SCRIPT_FORMS as readonly string[]).includes(form)) return needsJavaScript();
  const mode = form as NoScriptForm;
  let fields: FormData;
  try {
    fields = await req.formData();
  } catch {
    return backToForm(mode, "INVALID_FORM");
  }
  const text = (name: string) => {
    const value = fields.get(name);
    return typeof value === "string" ? value : "";
  };
  const email = text("email").trim();
  const body =
    mode === "sign-up"
      ? { email, password: text("password"), name: text("name").trim() || email.split("@")[0] || email }
      : { email, password: text("password") };

  // The browser's own headers (Origin, cookies, client address) go along: better-auth checks the
  // origin and counts the attempt against this client's rate limit as for a fetch from the page.
  const headers = new Headers(req.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  const answer = await deps.auth.handler(
    new Request(new URL(AUTH_PATH[mode], req.url), { method: "POST", headers, body: JSON.stringify(body) }),
  );
  if (!answer.ok) return backToForm(mode, await errorCode(answer));

  const done = new Headers({ location: "/projects" });
  for (const cookie of answer.headers.getSetCookie()) done.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers: done });
}

async function errorCode(answer: Response): Promise<string> {
  if (answer.status === 429) return "TOO_MANY_REQUESTS";
  const body = (await answer.json().catch(() => null)) as { code?: unknown } | null;
  return typeof body?.code === "string" && /^[A-Z0-9_]{1,80}$/.test(body.code) ? body.code : "UNKNOWN";
}

/** Back to the form; only the error's code travels in the URL. */
function backToForm(mode: NoScriptForm, code: string): Response {
  return new Response(null, { status: 303, headers: { location: `/${mode}?error=${code}` } });
}

function needsJavaScript(): Response {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>JavaScript needed · Avatar Studio</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1>This form needs JavaScript</h1>
<p>Nothing was saved or charged. Turn JavaScript on (or wait for the page to finish loading), then go back and try again.</p>
<p><a href="/projects">Back to your projects</a></p></body></html>`;
  return new Response(page, { status: 400, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
