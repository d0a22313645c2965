import type { Context } from "../../context.ts";
import { ZAcceptInviteInput, ZInvitationInput, ZLoginInput } from "../../schemas/inputs.ts";
import type { TSignInChallenge } from "../../schemas/two-factor.ts";
import { acceptInvitation, getInvitation } from "../../services/admin/invitations.ts";
import { auditSourceOf } from "../../services/audit/record-audit.ts";
import {
  hashToken,
  login,
  logout,
  type TAuthedViewer,
  type TSignInOutcome,
} from "../../services/auth/auth-service.ts";
import { announceLoginsRevoked } from "../../services/auth/login-revocations.ts";
import { authedProcedure, publicProcedure, router } from "../../trpc.ts";

function publicViewerOf(viewer: TAuthedViewer) {
  const { accountId: _accountId, authSessionId: _authSessionId, token: _token, ...publicViewer } = viewer;
  return publicViewer;
}

/** A new login: the cookie for browsers, the token itself only when asked for (non-browser clients). */
export function signedIn(
  ctx: Context,
  started: { viewer: TAuthedViewer; token: string; expiresAt: Date },
  mode: "cookie" | "token",
) {
  ctx.transport.setAuthCookie?.({ token: started.token, expiresAt: started.expiresAt });
  return { viewer: publicViewerOf(started.viewer), token: mode === "token" ? started.token : null };
}

/** No login yet: the second step (twoFactor.signIn or twoFactor.confirmRequired) completes it. */
function challengeOf({ challenge }: Extract<TSignInOutcome, { kind: "challenge" }>): TSignInChallenge {
  return {
    purpose: challenge.purpose,
    challengeToken: challenge.token,
    expiresAt: challenge.expiresAt.toISOString(),
  };
}

export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const { outcome, deviceToken } = await login(ctx.deps, {
      ...input,
      clientIp: ctx.transport.clientIp,
      deviceToken: ctx.transport.deviceToken,
      userAgent: ctx.transport.userAgent ?? null,
    });
    const answer =
      outcome.kind === "challenge"
        ? { viewer: null, token: null, twoFactor: challengeOf(outcome) }
        : { ...signedIn(ctx, outcome, input.mode), twoFactor: null };
    ctx.transport.setDeviceCookie?.(deviceToken);
    return answer;
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await logout(ctx.deps.prisma, ctx.transport.authToken, auditSourceOf(ctx));
    if (ctx.transport.authToken) announceLoginsRevoked(ctx.deps, [hashToken(ctx.transport.authToken)]);
    ctx.transport.setAuthCookie?.(null);
    return { ok: true as const };
  }),

  me: authedProcedure.meta({ tokenScope: "any" }).query(({ ctx }) => publicViewerOf(ctx.viewer)),

  /** What an invitation link is for (who, which account), before its owner chooses a password. */
  invitation: publicProcedure
    .input(ZInvitationInput)
    .query(({ ctx, input }) => getInvitation(ctx.deps.prisma, input.token)),

  /** Uses an invitation link once: sets the password and signs in. */
  acceptInvite: publicProcedure.input(ZAcceptInviteInput).mutation(async ({ ctx, input }) => {
    const started = await acceptInvitation(ctx.deps, input, {
      ip: ctx.transport.clientIp,
      userAgent: ctx.transport.userAgent ?? null,
    });
    return signedIn(ctx, started, input.mode);
  }),
});
