import { ZPolicyUpdateInput } from "../schemas/inputs.ts";
import { auditSourceOf } from "../services/audit/record-audit.ts";
import { getPolicy, updatePolicy } from "../services/policy/policy-store.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

export const policyRouter = router({
  /** Every member may read it: the due times on their cards come from it. */
  get: authedProcedure.query(({ ctx }) => getPolicy(ctx.deps.prisma, ctx.viewer.accountId)),

  update: adminProcedure
    .input(ZPolicyUpdateInput)
    .mutation(({ ctx, input }) => updatePolicy(ctx.deps, ctx.viewer.accountId, input, auditSourceOf(ctx))),
});
