import { ZPsaNotesInput, ZPsaUpdateInput } from "../schemas/psa.ts";
import { auditSourceOf } from "../services/audit/record-audit.ts";
import {
  getPsaConnection,
  listHaloOutcomes,
  removePsaConnection,
  savePsaConnection,
  testPsaConnection,
} from "../services/psa/psa-connection.ts";
import { listPsaNotes } from "../services/psa/psa-notes.ts";
import { adminProcedure, authedProcedure, router } from "../trpc.ts";

// The connection is ADMIN+ throughout (its secret is never returned); the notes a handoff
// produced are shown to every member on the handoff page.
export const psaRouter = router({
  get: adminProcedure.query(({ ctx }) => getPsaConnection(ctx.deps, ctx.viewer)),

  update: adminProcedure
    .input(ZPsaUpdateInput)
    .mutation(({ ctx, input }) => savePsaConnection(ctx.deps, ctx.viewer, input, auditSourceOf(ctx))),

  test: adminProcedure.mutation(({ ctx }) => testPsaConnection(ctx.deps, ctx.viewer)),

  haloOutcomes: adminProcedure.query(({ ctx }) => listHaloOutcomes(ctx.deps, ctx.viewer)),

  remove: adminProcedure.mutation(({ ctx }) => removePsaConnection(ctx.deps, ctx.viewer, auditSourceOf(ctx))),

  notes: authedProcedure
    .input(ZPsaNotesInput)
    .query(({ ctx, input }) => listPsaNotes(ctx.deps.prisma, ctx.viewer, input.handoffId)),
});
