import {
  ZRequiredEnrolmentConfirmInput,
  ZRequiredEnrolmentInput,
  ZRequireTwoFactorInput,
  ZSecondFactorSignInInput,
  ZTwoFactorConfirmInput,
  ZTwoFactorDisableInput,
} from "../../schemas/two-factor.ts";
import { auditSourceOf } from "../../services/audit/record-audit.ts";
import {
  beginEnrolment,
  confirmEnrolment,
  disableTwoFactor,
  twoFactorStatus,
} from "../../services/auth/two-factor/enrolment.ts";
import { setTwoFactorRequired } from "../../services/auth/two-factor/require-two-factor.ts";
import {
  beginRequiredEnrolment,
  completeSecondFactor,
  confirmRequiredEnrolment,
} from "../../services/auth/two-factor/two-factor-sign-in.ts";
import { authedProcedure, publicProcedure, router } from "../../trpc.ts";
import { signedIn } from "./auth.ts";

const originOf = (transport: { clientIp: string; userAgent?: string | null | undefined }) => ({
  ip: transport.clientIp,
  userAgent: transport.userAgent ?? null,
});

export const twoFactorRouter = router({
  status: authedProcedure.query(({ ctx }) => twoFactorStatus(ctx.deps, ctx.viewer.id)),

  /** A new secret as a QR code and as text; sign-in asks for codes only once `confirm` succeeds. */
  begin: authedProcedure.mutation(({ ctx }) => beginEnrolment(ctx.deps, ctx.viewer.id)),

  /** A first code turns it on → `{ recoveryCodes }`, shown this once. */
  confirm: authedProcedure
    .input(ZTwoFactorConfirmInput)
    .mutation(({ ctx, input }) => confirmEnrolment(ctx.deps, ctx.viewer.id, input.code, auditSourceOf(ctx))),

  disable: authedProcedure
    .input(ZTwoFactorDisableInput)
    .mutation(({ ctx, input }) => disableTwoFactor(ctx.deps, ctx.viewer.id, input, auditSourceOf(ctx))),

  /** The owner's switch: every member must use two-factor sign-in. */
  setRequired: authedProcedure
    .input(ZRequireTwoFactorInput)
    .mutation(({ ctx, input }) =>
      setTwoFactorRequired(ctx.deps.prisma, ctx.viewer, input.isRequired, auditSourceOf(ctx)),
    ),

  /** auth.login's second step: a code or a recovery code for its challenge → the login. */
  signIn: publicProcedure.input(ZSecondFactorSignInInput).mutation(async ({ ctx, input }) => {
    const started = await completeSecondFactor(ctx.deps, input, originOf(ctx.transport));
    return signedIn(ctx, started, input.mode);
  }),

  /** For a challenge whose account requires two-factor and whose user has none: the QR code. */
  beginRequired: publicProcedure
    .input(ZRequiredEnrolmentInput)
    .mutation(({ ctx, input }) => beginRequiredEnrolment(ctx.deps, input.challengeToken)),

  /** Its first code turns two-factor on and signs in → the login and `recoveryCodes`. */
  confirmRequired: publicProcedure.input(ZRequiredEnrolmentConfirmInput).mutation(async ({ ctx, input }) => {
    const started = await confirmRequiredEnrolment(ctx.deps, input, originOf(ctx.transport));
    return { ...signedIn(ctx, started, input.mode), recoveryCodes: started.recoveryCodes };
  }),
});
