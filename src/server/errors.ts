/**
 * Domain errors: thrown by the plain functions, turned into tRPC codes in one place
 * (src/server/api/trpc.ts) so routers stay thin.
 */

/** Missing, or owned by someone else: callers must not be able to tell which. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

export class BadInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "BadInputError";
  }
}
