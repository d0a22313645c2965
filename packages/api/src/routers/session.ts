import { ZSessionByIdInput, ZSessionCreateInput, ZSessionListInput } from "../schemas/inputs.ts";
import { createSession, getSession, listSessions } from "../services/session-service.ts";
import { authedProcedure, engineerProcedure, router } from "../trpc.ts";

export const sessionRouter = router({
  list: authedProcedure
    .input(ZSessionListInput)
    .query(({ ctx, input }) => listSessions(ctx.deps.prisma, ctx.viewer, input.scope)),

  byId: authedProcedure
    .input(ZSessionByIdInput)
    .query(({ ctx, input }) => getSession(ctx.deps.prisma, ctx.viewer, input.sessionId)),

  create: engineerProcedure
    .input(ZSessionCreateInput)
    .mutation(({ ctx, input }) => createSession(ctx.deps.prisma, ctx.viewer, input)),
});
