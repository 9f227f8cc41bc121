import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { isAdminEmail } from "../accounts";
import { EmailNotVerifiedError } from "../account/verification";
import { PurchasesNotSetUpError } from "../billing/checkout";
import type { Auth, SessionUser } from "../auth";
import { InsufficientCreditsError } from "../credits";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { BadInputError, NotFoundError } from "../errors";
import { FaceRoomError } from "../faces";
import { GenerationStartError, type StartDeps } from "../generations/store";
import { getSessionUser } from "./session-memo";
import { transformer } from "./transformer";

/**
 * Context, procedures and middlewares: the one place where requests become callers and domain
 * errors become tRPC error codes.
 */
export interface Context {
  db: Database;
  env: Env;
  /** What starting a generation needs: storage for the photos and the Inngest event sender. */
  jobs: StartDeps;
  /** better-auth, for what only it may do (creating API tokens: generation and hashing). */
  auth: Auth;
  user: SessionUser | null;
  /**
   * Over HTTP, where the session may come from the cookie cache: whether the session is still in
   * the database. Absent where the user was already checked there (API tokens, tests).
   */
  confirmSession?: () => Promise<boolean>;
}

type ContextInput = Omit<Context, "user" | "confirmSession"> & { headers: Headers; resHeaders?: Headers };

export async function createContext(input: ContextInput): Promise<Context> {
  const { user, setCookies } = await getSessionUser(input.auth, input.headers);
  // A session read from the database renews the session_data cookie: pass it on to the browser,
  // so its next requests are answered from the cache again.
  for (const cookie of setCookies) input.resHeaders?.append("set-cookie", cookie);
  return {
    db: input.db,
    env: input.env,
    jobs: input.jobs,
    auth: input.auth,
    user,
    confirmSession: async () => !!(await input.auth.api.getSession({ headers: input.headers, query: { disableCookieCache: true } })),
  };
}

/** "name: Too big: expected string to have <=100 characters" — the field first, then the problem. */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const field = zod ? zod.issues[0]?.path.join(".") : error.cause instanceof BadInputError ? error.cause.field : undefined;
    return {
      ...shape,
      message: zod ? describeZodError(zod) : shape.message,
      data: {
        ...shape.data,
        field: field ?? null,
        fieldErrors: zod ? Object.fromEntries(zod.issues.map((i) => [i.path.join("."), i.message])) : null,
      },
    };
  },
});

/** Domain errors thrown by plain functions, mapped to the codes callers see. */
function mapDomainErrors<R extends { ok: boolean; error?: { cause?: unknown } }>(result: R): R {
  if (result.ok) return result;
  const cause = result.error?.cause;
  if (cause instanceof NotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  if (cause instanceof InsufficientCreditsError) {
    throw new TRPCError({ code: "PAYMENT_REQUIRED", message: cause.message, cause });
  }
  if (cause instanceof BadInputError) throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  if (cause instanceof FaceRoomError) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "We couldn't check your photos right now. Nothing was charged; please try again.",
      cause,
    });
  }
  if (cause instanceof EmailNotVerifiedError) throw new TRPCError({ code: "FORBIDDEN", message: cause.message, cause });
  if (cause instanceof PurchasesNotSetUpError) throw new TRPCError({ code: "PRECONDITION_FAILED", message: cause.message, cause });
  if (cause instanceof GenerationStartError) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
  return result;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(async ({ next }) => mapDomainErrors(await next()));

/**
 * Signed in, and domain errors mapped: one middleware rather than two, because tRPC copies a
 * call's options at every middleware level (measured: a sizeable share of avatar.list's own time).
 * Only `user` is passed on: tRPC merges it into the context, narrowed to non-null.
 */
export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return mapDomainErrors(await next({ ctx: { user: ctx.user } }));
});

/**
 * For what a revoked session must not do even within the cookie cache's minute: administration,
 * and minting an API token (which would outlive the session).
 */
export const freshSessionProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  if (ctx.confirmSession && !(await ctx.confirmSession())) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return next();
});

export const adminProcedure = freshSessionProcedure.use(({ ctx, next }) => {
  if (!isAdminEmail(ctx.env.ADMIN_EMAILS, ctx.user.email)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators can do this." });
  }
  return next();
});
