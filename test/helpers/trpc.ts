import { TRPCError } from "@trpc/server";

/** The tRPC error code a call ends with, or "OK"; anything that is not a TRPCError is rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
  return "OK";
}
