import { ZAuditExportInput, ZAuditListInput } from "../../schemas/audit.ts";
import { exportAuditCsv, listAuditEvents } from "../../services/audit/audit-log.ts";
import { adminProcedure, router } from "../../trpc.ts";

export const auditRouter = router({
  list: adminProcedure
    .input(ZAuditListInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.deps.prisma, ctx.viewer.accountId, input)),

  /** The filtered rows as CSV text (the web app saves it as a file). */
  exportCsv: adminProcedure
    .input(ZAuditExportInput)
    .query(({ ctx, input }) =>
      exportAuditCsv(ctx.deps.prisma, ctx.viewer.accountId, input.filter, ctx.deps.clock.now()),
    ),
});
