import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { isAdminEmail } from "../accounts";
import type { Auth, SessionUser } from "../auth";
import { InsufficientCreditsError } from "../credits";
import type { Database } from "../db/client";
import type { Env } from "../env";
import { BadInputError, NotFoundError } from "../errors";
import { FaceRoomError } from "../faces";
import { GenerationStartError, type StartDeps } from "../generations/store";

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
}

export async function createContext(input: Omit<Context, "user"> & { headers: Headers }): Promise<Context> {
  const session = await input.auth.api.getSession({ headers: input.headers });
  return { db: input.db, env: input.env, jobs: input.jobs, auth: input.auth, user: session?.user ?? null };
}

/** "name: Too big: expected string to have <=100 characters" — the field first, then the problem. */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
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
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
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
  if (cause instanceof GenerationStartError) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(domainErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!isAdminEmail(ctx.env.ADMIN_EMAILS, ctx.user.email)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators can do this." });
  }
  return next();
});
