import { hasRoleAtLeast } from "../domain/roles.ts";
import { ZEscalateInput, ZHandoffIdInput, ZParkInput, ZQueueInput } from "../schemas/inputs.ts";
import {
  claimHandoff,
  createHandoff,
  getHandoff,
  listQueue,
  regenerateBriefing,
  releaseHandoff,
} from "../services/handoffs/handoff-service.ts";
import { authedProcedure, engineerProcedure, router } from "../trpc.ts";

export const handoffRouter = router({
  park: engineerProcedure
    .meta({ tokenScope: "escalate" })
    .input(ZParkInput)
    .mutation(({ ctx, input }) =>
      createHandoff(ctx.deps, ctx.viewer, { ...input, intent: "park", priority: "normal" }),
    ),

  escalate: engineerProcedure
    .meta({ tokenScope: "escalate" })
    .input(ZEscalateInput)
    .mutation(({ ctx, input }) => createHandoff(ctx.deps, ctx.viewer, { ...input, intent: "escalate" })),

  claim: engineerProcedure
    .meta({ tokenScope: "claim" })
    .input(ZHandoffIdInput)
    .mutation(({ ctx, input }) => claimHandoff(ctx.deps, ctx.viewer, input.handoffId)),

  release: engineerProcedure
    .meta({ tokenScope: "claim" })
    .input(ZHandoffIdInput)
    .mutation(({ ctx, input }) =>
      releaseHandoff(
        ctx.deps,
        { ...ctx.viewer, isAdmin: hasRoleAtLeast(ctx.viewer.role, "admin") },
        input.handoffId,
      ),
    ),

  /** The claimer asks for the briefing to be written again; it arrives as `handoff.briefed`. */
  regenerateBriefing: engineerProcedure
    .input(ZHandoffIdInput)
    .mutation(({ ctx, input }) => regenerateBriefing(ctx.deps, ctx.viewer, input.handoffId)),

  queue: engineerProcedure
    .input(ZQueueInput)
    .query(({ ctx, input }) => listQueue(ctx.deps.prisma, ctx.viewer, input, ctx.deps.clock.now())),

  byId: authedProcedure
    .input(ZHandoffIdInput)
    .query(({ ctx, input }) =>
      getHandoff(ctx.deps.prisma, ctx.viewer, input.handoffId, ctx.deps.clock.now()),
    ),
});
