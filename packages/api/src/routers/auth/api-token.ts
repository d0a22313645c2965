// The signed-in user's personal API tokens. Managed from a browser login only: a token can never
// mint, list or revoke tokens (a leaked one must not be able to entrench itself).
import { ZApiTokenIdInput, ZCreateApiTokenInput } from "../../schemas/api-tokens.ts";
import { auditSourceOf } from "../../services/audit/record-audit.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../../services/auth/api-tokens/api-tokens.ts";
import { authedProcedure, router } from "../../trpc.ts";

const browserOnlyProcedure = authedProcedure.meta({ tokenScope: "none" });

export const apiTokenRouter = router({
  /** The new token's secret is in this answer and nowhere else, ever. */
  create: browserOnlyProcedure
    .input(ZCreateApiTokenInput)
    .mutation(({ ctx, input }) =>
      createApiToken({ ...ctx.deps, source: auditSourceOf(ctx) }, ctx.viewer, input, new Date()),
    ),

  list: browserOnlyProcedure.query(({ ctx }) => listApiTokens(ctx.deps.prisma, ctx.viewer, new Date())),

  revoke: browserOnlyProcedure
    .input(ZApiTokenIdInput)
    .mutation(({ ctx, input }) =>
      revokeApiToken({ ...ctx.deps, source: auditSourceOf(ctx) }, ctx.viewer, input.tokenId, new Date()),
    ),
});
