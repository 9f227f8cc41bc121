import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { API_KEY_HTTP_PATHS, apiTokenPlugin } from "./api-tokens/plugin";
import { grantCredits } from "./credits";
import type { Database } from "./db/client";
import { account, apikey, rateLimit, session, user, verification } from "./db/schema";
import { createMailer, type Mailer } from "./email/mailer";
import { resetPasswordMail, verifyEmailMail } from "./email/messages";
import type { Env } from "./env";
import { CLIENT_ADDRESS_HEADER } from "./http/client-address";
import { logger } from "./logger";
import { trustedOrigins } from "./security/origin";

/** How long a password reset link works. */
export const RESET_LINK_SECONDS = 60 * 60;

/** How long a session_data cookie answers for the session without the database. */
export const SESSION_CACHE_SECONDS = 60;

/**
 * Accounts: better-auth with email + password, cookie sessions, and our Drizzle tables.
 * A new account starts on the free plan with the welcome grant.
 */
export function createAuth(db: Database, e: Env, mailer: Mailer = createMailer(e, logger)) {
  const baseURL = e.BETTER_AUTH_URL ?? `http://localhost:${e.PORT}`;
  return betterAuth({
    appName: "Avatar Studio",
    baseURL,
    secret: e.BETTER_AUTH_SECRET ?? localSecret(e.DATA_DIR),
    trustedOrigins: trustedOrigins(e),
    database: drizzleAdapter(db, { provider: "pg", schema: { user, session, account, verification, apikey, rateLimit } }),
    // Unset: better-auth's default (on in production only). Counted in the database (its
    // rate_limit table), so every app instance shares one limit.
    rateLimit: { storage: "database", ...(e.AUTH_RATE_LIMIT && { enabled: e.AUTH_RATE_LIMIT === "on" }) },
    // The limiter counts per client address: the one the front door decided from the socket and
    // TRUST_PROXY (src/server/http), never a forwarding header any client can write.
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      // better-auth's own reset flow: a link valid for an hour, used once; every session ends.
      sendResetPassword: async ({ user, url }) => mailer.send(resetPasswordMail(user.email, url)),
      resetPasswordTokenExpiresIn: RESET_LINK_SECONDS,
      revokeSessionsOnPasswordReset: true,
    },
    // Verification: unverified accounts sign in; REQUIRE_EMAIL_VERIFICATION=on keeps them from
    // buying and generating (account/verification.ts) and mails the link at sign-up.
    emailVerification: {
      sendVerificationEmail: async ({ user, url }) => mailer.send(verifyEmailMail(user.email, url)),
      sendOnSignUp: e.REQUIRE_EMAIL_VERIFICATION === "on",
      autoSignInAfterVerification: true,
      expiresIn: 24 * 60 * 60,
    },
    // The session and user, signed into a session_data cookie for a minute, so most requests
    // skip the session query. Trade-off: a session revoked elsewhere (sign-out on another device,
    // deleted row) stays usable for up to SESSION_CACHE_SECONDS through a cookie cached before.
    // The cached user decides nothing about access: the plan is read from the database where it
    // matters (getPlan), admin rights come from ADMIN_EMAILS by email (which can't be changed),
    // and admin calls and token creation confirm the session in the database first
    // (freshSessionProcedure in api/trpc.ts).
    session: { cookieCache: { enabled: true, maxAge: SESSION_CACHE_SECONDS } },
    // Personal API tokens for the REST route (src/server/api-tokens).
    plugins: [apiTokenPlugin()],
    disabledPaths: API_KEY_HTTP_PATHS,
    user: {
      additionalFields: {
        // Set by admins only: never accepted from the sign-up form.
        plan: { type: "string", required: false, defaultValue: "free", input: false },
      },
    },
    databaseHooks: {
      user: {
        create: {
          after: async (created) => {
            if (e.WELCOME_CREDITS <= 0) return;
            await grantCredits(db, {
              userId: created.id,
              amount: e.WELCOME_CREDITS,
              description: "Welcome credits",
              grantedBy: "system:welcome",
              idempotencyKey: "welcome",
            });
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type SessionUser = Auth["$Infer"]["Session"]["user"];

/**
 * Without BETTER_AUTH_SECRET, sessions are signed with a random secret kept in the data
 * directory, so the app runs with no configuration and sessions survive restarts.
 */
function localSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
