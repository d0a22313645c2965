import { ZUserIdInput, ZUserInviteInput, ZUserUpdateInput } from "../../schemas/inputs.ts";
import {
  deactivateUser,
  inviteUser,
  listUsers,
  reactivateUser,
  updateUser,
} from "../../services/admin/users.ts";
import { auditSourceOf } from "../../services/audit/record-audit.ts";
import { adminProcedure, router } from "../../trpc.ts";

export const userRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.deps.prisma, ctx.viewer)),

  invite: adminProcedure
    .input(ZUserInviteInput)
    .mutation(({ ctx, input }) => inviteUser(ctx.deps, ctx.viewer, input, auditSourceOf(ctx))),

  update: adminProcedure
    .input(ZUserUpdateInput)
    .mutation(({ ctx, input }) => updateUser(ctx.deps.prisma, ctx.viewer, input, auditSourceOf(ctx))),

  deactivate: adminProcedure
    .input(ZUserIdInput)
    .mutation(({ ctx, input }) => deactivateUser(ctx.deps, ctx.viewer, input.userId, auditSourceOf(ctx))),

  reactivate: adminProcedure
    .input(ZUserIdInput)
    .mutation(({ ctx, input }) =>
      reactivateUser(ctx.deps.prisma, ctx.viewer, input.userId, auditSourceOf(ctx)),
    ),
});
