import { ZTeamCreateInput, ZTeamUpdateInput } from "../../schemas/inputs.ts";
import { createTeam, listTeams, renameTeam } from "../../services/admin/teams.ts";
import { adminProcedure, authedProcedure, router } from "../../trpc.ts";

export const teamRouter = router({
  list: authedProcedure.query(({ ctx }) => listTeams(ctx.deps.prisma, ctx.viewer)),

  create: adminProcedure
    .input(ZTeamCreateInput)
    .mutation(({ ctx, input }) => createTeam(ctx.deps.prisma, ctx.viewer, input.name)),

  update: adminProcedure
    .input(ZTeamUpdateInput)
    .mutation(({ ctx, input }) => renameTeam(ctx.deps.prisma, ctx.viewer, input)),
});
