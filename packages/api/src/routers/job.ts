import { ZJobIdInput, ZJobListInput } from "../schemas/inputs.ts";
import { listJobs, retryJob } from "../services/jobs/job-admin.ts";
import { adminProcedure, router } from "../trpc.ts";

export const jobRouter = router({
  list: adminProcedure
    .input(ZJobListInput)
    .query(({ ctx, input }) => listJobs(ctx.deps.prisma, ctx.viewer, input)),

  retry: adminProcedure
    .input(ZJobIdInput)
    .mutation(({ ctx, input }) => retryJob(ctx.deps, ctx.viewer, input.jobId)),
});
