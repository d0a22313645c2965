import { ZAccountUpdateInput } from "../../schemas/inputs.ts";
import { getAccountSettings, updateAccountSettings } from "../../services/admin/account-service.ts";
import { adminProcedure, authedProcedure, router } from "../../trpc.ts";

export const accountRouter = router({
  get: authedProcedure.query(({ ctx }) => getAccountSettings(ctx.deps.prisma, ctx.viewer.accountId)),

  update: adminProcedure
    .input(ZAccountUpdateInput)
    .mutation(({ ctx, input }) => updateAccountSettings(ctx.deps.prisma, ctx.viewer.accountId, input)),
});
