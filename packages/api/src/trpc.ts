// tRPC initialisation and the procedure builders every router uses.
// Must never know about HTTP or WebSocket: the context carries what the transport learned.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { Context } from "./context.ts";
import { AppError } from "./domain/app-error.ts";
import { hasRoleAtLeast } from "./domain/roles.ts";
import { requiredTokenScope, type TProcedureMeta, tokenScopeRefusal } from "./domain/token-scopes.ts";
import type { TRole } from "./schemas/enums.ts";
import { auditSourceOf } from "./services/audit/record-audit.ts";
import { resolveViewer, SESSION_ENDED_MESSAGE } from "./services/auth/auth-service.ts";

// ---- initialisation -------------------------------------------------------------------------

/**
 * zod's flattened error, plus the first message per full path ("targets.high"), so a form can show
 * a nested field's problem beside that field rather than beside its group.
 */
function describeZodError(error: ZodError) {
  const byPath: Record<string, string> = {};
  for (const issue of error.issues) byPath[issue.path.join(".")] ??= issue.message;
  return { ...z.flattenError(error), byPath };
}

/** Procedures may say in `.meta()` which API token scope they need (token-scopes.ts). */
const tWithMeta = initTRPC.context<Context>().meta<TProcedureMeta>();

const t = tWithMeta.create({
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
    const zodError = error.cause instanceof ZodError ? describeZodError(error.cause) : null;
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

/** Queries and mutations go ahead of the live stream's fan-out (see @handoff/live's scheduler). */
const aheadOfFanOut = t.middleware(({ ctx, type, next }) =>
  type === "subscription" ? next() : ctx.deps.live.asRequest(next),
);

// ---- procedures -----------------------------------------------------------------------------

export const publicProcedure = t.procedure.use(aheadOfFanOut).use(mapAppErrors);

/** A signed-in user; an API token's scopes are checked here, once for every procedure (token-scopes.ts). */
export const authedProcedure = publicProcedure.use(async ({ ctx, next, type, meta }) => {
  const { authToken, isLongLived } = ctx.transport;
  const viewer = await (isLongLived
    ? ctx.deps.connectionLogins.viewerOf(authToken)
    : resolveViewer(ctx.deps.prisma, authToken));
  if (!viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: SESSION_ENDED_MESSAGE });
  if (viewer.token) {
    const refusal = tokenScopeRefusal(viewer.token.scopes, requiredTokenScope(type, meta));
    if (refusal) throw toTRPCError(refusal);
    ctx.deps.tokenUses.record({
      apiTokenId: viewer.token.id,
      clientIp: ctx.transport.clientIp,
      source: auditSourceOf({ viewer, transport: ctx.transport }),
    });
  }
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
).meta({ tokenScope: "admin" });
