import { createAuthClient } from "better-auth/react";

/** Browser side of better-auth: same-origin, cookie sessions. */
export const authClient = createAuthClient();
