import {
  ZSessionAddEntryInput,
  ZSessionByIdInput,
  ZSessionCreateInput,
  ZSessionDomainsInput,
  ZSessionListInput,
  ZSessionOpenBranchInput,
  ZSessionReopenInput,
  ZSessionResolveInput,
  ZSessionSetBranchInput,
  ZSessionSimilarInput,
  ZSessionSimilarVerdictInput,
  ZSessionUpdateInput,
} from "../schemas/inputs.ts";
import { findSimilarSessions } from "../services/knowledge/similar-sessions.ts";
import { setSimilarVerdict } from "../services/knowledge/similar-verdicts.ts";
import { listKnownDomains, listSessions } from "../services/sessions/session-list.ts";
import { createSession, getSession } from "../services/sessions/session-service.ts";
import {
  addSessionEntry,
  openSessionBranch,
  reopenSession,
  resolveSession,
  setSessionBranch,
  updateSession,
} from "../services/sessions/session-workspace.ts";
import { authedProcedure, engineerProcedure, router } from "../trpc.ts";

// Changes are ENGINEER+ here; the services add the holder rule (the holder or ADMIN+).
export const sessionRouter = router({
  list: authedProcedure
    .input(ZSessionListInput)
    .query(({ ctx, input }) => listSessions(ctx.deps.prisma, ctx.viewer, input)),

  domains: authedProcedure
    .input(ZSessionDomainsInput)
    .query(({ ctx, input }) => listKnownDomains(ctx.deps.prisma, ctx.viewer.accountId, input.limit)),

  byId: authedProcedure
    .input(ZSessionByIdInput)
    .query(({ ctx, input }) => getSession(ctx.deps.prisma, ctx.viewer, input.sessionId)),

  similar: authedProcedure.input(ZSessionSimilarInput).query(async ({ ctx, input }) => ({
    items: await findSimilarSessions(ctx.deps.prisma, ctx.viewer, input.sessionId, input.limit),
  })),

  similarVerdict: engineerProcedure
    .input(ZSessionSimilarVerdictInput)
    .mutation(({ ctx, input }) => setSimilarVerdict(ctx.deps.prisma, ctx.viewer, input)),

  create: engineerProcedure
    .input(ZSessionCreateInput)
    .mutation(({ ctx, input }) => createSession(ctx.deps, ctx.viewer, input)),

  update: engineerProcedure
    .input(ZSessionUpdateInput)
    .mutation(({ ctx, input: { sessionId, ...changes } }) =>
      updateSession(ctx.deps, ctx.viewer, sessionId, changes),
    ),

  addEntry: engineerProcedure
    .input(ZSessionAddEntryInput)
    .mutation(({ ctx, input }) => addSessionEntry(ctx.deps, ctx.viewer, input)),

  openBranch: engineerProcedure
    .input(ZSessionOpenBranchInput)
    .mutation(({ ctx, input }) => openSessionBranch(ctx.deps, ctx.viewer, input)),

  setBranch: engineerProcedure
    .input(ZSessionSetBranchInput)
    .mutation(({ ctx, input }) => setSessionBranch(ctx.deps, ctx.viewer, input)),

  resolve: engineerProcedure
    .input(ZSessionResolveInput)
    .mutation(({ ctx, input }) => resolveSession(ctx.deps, ctx.viewer, input)),

  reopen: engineerProcedure
    .input(ZSessionReopenInput)
    .mutation(({ ctx, input }) => reopenSession(ctx.deps, ctx.viewer, input.sessionId)),
});
