import { ZUserIdInput, ZUserInviteInput, ZUserUpdateInput } from "../schemas/inputs.ts";
import {
  deactivateUser,
  inviteUser,
  listUsers,
  reactivateUser,
  updateUser,
} from "../services/admin/users.ts";
import { adminProcedure, router } from "../trpc.ts";

export const userRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.deps.prisma, ctx.viewer)),

  invite: adminProcedure
    .input(ZUserInviteInput)
    .mutation(({ ctx, input }) => inviteUser(ctx.deps, ctx.viewer, input)),

  update: adminProcedure
    .input(ZUserUpdateInput)
    .mutation(({ ctx, input }) => updateUser(ctx.deps.prisma, ctx.viewer, input)),

  deactivate: adminProcedure
    .input(ZUserIdInput)
    .mutation(({ ctx, input }) => deactivateUser(ctx.deps.prisma, ctx.viewer, input.userId)),

  reactivate: adminProcedure
    .input(ZUserIdInput)
    .mutation(({ ctx, input }) => reactivateUser(ctx.deps.prisma, ctx.viewer, input.userId)),
});
