import { createAuthClient } from "better-auth/react";

/**
 * Browser side of better-auth, always at the origin the page was loaded from: a page opened at
 * http://127.0.0.1:3000 signs in there even when BETTER_AUTH_URL names localhost (and the other
 * way round), so the session cookie lands on the host the user is on.
 */
export const authClient = createAuthClient(typeof window === "undefined" ? {} : { baseURL: window.location.origin });
