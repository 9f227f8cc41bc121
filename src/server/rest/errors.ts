import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { ZodError } from "zod";
import { describeZodError } from "../api/trpc";
import { BadInputError } from "../errors";

/** The REST route's errors: `{ error: { code, message, field } }` with the matching HTTP status. */

export function restError(status: number, code: string, message: string, field: string | null = null, headers: HeadersInit = {}): Response {
  return Response.json({ error: { code, message, field } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

/**
 * What the tRPC caller threw, as HTTP: tRPC's own code → status table (BAD_REQUEST 400,
 * UNAUTHORIZED 401, PAYMENT_REQUIRED 402, NOT_FOUND 404, SERVICE_UNAVAILABLE 503…), the field
 * from the domain error behind it. Anything unexpected is a logged 500 that reveals nothing.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") {
    const cause = error.cause;
    const zod = cause instanceof ZodError ? cause : null;
    const field = zod ? (zod.issues[0]?.path.join(".") ?? null) : cause instanceof BadInputError ? (cause.field ?? null) : null;
    return restError(getHTTPStatusCodeFromError(error), error.code, zod ? describeZodError(zod) : error.message, field);
  }
  console.error("REST avatar-creator failed:", error instanceof TRPCError ? (error.cause ?? error) : error);
  return restError(500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side. Please try again.");
}
