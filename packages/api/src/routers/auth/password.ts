import {
  ZChangePasswordInput,
  ZRequestPasswordResetInput,
  ZResetPasswordInput,
} from "../../schemas/inputs.ts";
import { auditSourceOf } from "../../services/audit/record-audit.ts";
import { changePassword } from "../../services/auth/passwords/change-password.ts";
import { requestPasswordReset, resetPassword } from "../../services/auth/passwords/password-reset.ts";
import { authedProcedure, publicProcedure, router } from "../../trpc.ts";

export const passwordRouter = router({
  /** The current password and a new one; every other login of the user ends, this one stays. */
  change: authedProcedure.input(ZChangePasswordInput).mutation(({ ctx, input }) =>
    changePassword(ctx.deps, ctx.viewer, auditSourceOf(ctx), {
      ...input,
      clientIp: ctx.transport.clientIp,
      deviceToken: ctx.transport.deviceToken,
    }),
  ),

  /** Emails a one-time reset link if an active user has this email; the answer is the same either way. */
  requestReset: publicProcedure.input(ZRequestPasswordResetInput).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(ctx.deps, { email: input.email, clientIp: ctx.transport.clientIp });
    return { ok: true as const };
  }),

  /** Uses a reset link once: sets the new password and ends every login of its user. */
  reset: publicProcedure.input(ZResetPasswordInput).mutation(({ ctx, input }) =>
    resetPassword(ctx.deps, {
      ...input,
      clientIp: ctx.transport.clientIp,
      userAgent: ctx.transport.userAgent ?? null,
    }),
  ),
});
