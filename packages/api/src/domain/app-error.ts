// Business-rule failures raised by services. Codes share tRPC's names so the router maps
// them in one place (trpc.ts); services stay free of tRPC.
export type TAppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS";

export class AppError extends Error {
  readonly code: TAppErrorCode;

  constructor(code: TAppErrorCode, message: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
  }
}

/** Postgres unique violation, as Prisma reports it through a driver adapter. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (code === "P2002" || code === "23505") return true;
  return cause !== undefined && cause !== error && isUniqueViolation(cause);
}
