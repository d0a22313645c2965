import { ZSsoUpdateInput } from "../../schemas/sso.ts";
import { auditSourceOf } from "../../services/audit/record-audit.ts";
import {
  getSsoConnection,
  removeSsoConnection,
  saveSsoConnection,
} from "../../services/auth/sso/sso-settings.ts";
import { adminProcedure, router } from "../../trpc.ts";

// ADMIN+ throughout (the client secret is never returned); the switches that widen who gets in,
// and removing it, are the owner's (checked in the service).
export const ssoRouter = router({
  get: adminProcedure.query(({ ctx }) => getSsoConnection(ctx.deps, ctx.viewer)),

  update: adminProcedure
    .input(ZSsoUpdateInput)
    .mutation(({ ctx, input }) => saveSsoConnection(ctx.deps, ctx.viewer, input, auditSourceOf(ctx))),

  remove: adminProcedure.mutation(({ ctx }) => removeSsoConnection(ctx.deps, ctx.viewer, auditSourceOf(ctx))),
});
