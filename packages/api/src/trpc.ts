// tRPC initialisation and the procedure builders every router uses.
// Must never know about HTTP or WebSocket: the context carries what the transport learned.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { Context } from "./context.ts";
import { AppError } from "./domain/app-error.ts";
import { hasRoleAtLeast } from "./domain/roles.ts";
import type { TRole } from "./schemas/enums.ts";
import { resolveViewer, SESSION_ENDED_MESSAGE } from "./services/auth-service.ts";
import { asRequest } from "./services/stream/fan-out-queue.ts";

// ---- initialisation -------------------------------------------------------------------------

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Never send stack traces to clients, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    // Unexpected failures are logged by the server; the client gets no internals (SQL, hosts).
    if (error.code === "INTERNAL_SERVER_ERROR") {
      return {
        ...shape,
        message: "Something went wrong on our side. Try again in a moment.",
        data: { ...shape.data, zodError: null },
      };
    }
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    return { ...shape, data: { ...shape.data, zodError } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: error.code, message: error.message, cause: error });
}

/** Maps service errors to tRPC errors in one place, so handlers carry no try/catch. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) throw toTRPCError(result.error.cause);
  return result;
});

/** Queries and mutations go ahead of the live stream's fan-out (see fan-out-queue.ts). */
const aheadOfFanOut = t.middleware(({ type, next }) => (type === "subscription" ? next() : asRequest(next)));

// ---- procedures -----------------------------------------------------------------------------

export const publicProcedure = t.procedure.use(aheadOfFanOut).use(mapAppErrors);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const { authToken, isLongLived } = ctx.transport;
  const viewer = await (isLongLived
    ? ctx.deps.connectionLogins.viewerOf(authToken)
    : resolveViewer(ctx.deps.prisma, authToken));
  if (!viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: SESSION_ENDED_MESSAGE });
  return next({ ctx: { viewer } });
});

function procedureForRoleAtLeast(minimum: TRole, deniedMessage: string) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!hasRoleAtLeast(ctx.viewer.role, minimum))
      throw new TRPCError({ code: "FORBIDDEN", message: deniedMessage });
    return next();
  });
}

/** Engineers, admins and owners: everyone who works handoffs. VIEWER is read-only. */
export const engineerProcedure = procedureForRoleAtLeast(
  "engineer",
  "Your role is read-only: ask an admin for engineer access to work handoffs.",
);

/** Admins and owners: account settings and the background jobs that gave up. */
export const adminProcedure = procedureForRoleAtLeast(
  "admin",
  "Only an admin or the owner of this account can do that.",
);
