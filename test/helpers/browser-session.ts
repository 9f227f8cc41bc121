import type { Auth } from "~/server/auth";

/** The origin the test app's better-auth trusts (BETTER_AUTH_URL's default). */
export const TEST_ORIGIN = "http://localhost:3000";
const PASSWORD = "correct horse battery";

/**
 * A browser's sign-up (or, with `signIn`, sign-in) through better-auth's HTTP handler: the cookies
 * it sets (session token and session_data cache), as a Cookie header, and the user's id.
 */
export async function browserSession(auth: Auth, email: string, options: { signIn?: boolean; name?: string } = {}) {
  const res = await auth.handler(
    new Request(`${TEST_ORIGIN}/api/auth/${options.signIn ? "sign-in" : "sign-up"}/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ email, password: PASSWORD, ...(options.signIn ? {} : { name: options.name ?? "Browser" }) }),
    }),
  );
  if (res.status !== 200) throw new Error(`${options.signIn ? "sign-in" : "sign-up"} answered ${res.status}: ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]!);
  return { cookies, cookie: cookies.join("; "), id: ((await res.json()) as { user: { id: string } }).user.id };
}
