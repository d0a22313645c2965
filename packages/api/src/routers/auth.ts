import type { Context } from "../context.ts";
import { ZAcceptInviteInput, ZInvitationInput, ZLoginInput } from "../schemas/inputs.ts";
import { login, logout, type TAuthedViewer } from "../services/auth-service.ts";
import { acceptInvitation, getInvitation } from "../services/invitations.ts";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";

function publicViewerOf(viewer: TAuthedViewer) {
  const { accountId: _accountId, authSessionId: _authSessionId, ...publicViewer } = viewer;
  return publicViewer;
}

/** A new login: the cookie for browsers, the token itself only when asked for (non-browser clients). */
function signedIn(
  ctx: Context,
  started: { viewer: TAuthedViewer; token: string; expiresAt: Date },
  mode: "cookie" | "token",
) {
  ctx.transport.setAuthCookie?.({ token: started.token, expiresAt: started.expiresAt });
  return { viewer: publicViewerOf(started.viewer), token: mode === "token" ? started.token : null };
}

export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const started = await login(ctx.deps, {
      ...input,
      clientIp: ctx.transport.clientIp,
      deviceToken: ctx.transport.deviceToken,
    });
    const answer = signedIn(ctx, started, input.mode);
    ctx.transport.setDeviceCookie?.(started.deviceToken);
    return answer;
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await logout(ctx.deps.prisma, ctx.transport.authToken);
    ctx.transport.setAuthCookie?.(null);
    return { ok: true as const };
  }),

  me: authedProcedure.query(({ ctx }) => publicViewerOf(ctx.viewer)),

  /** What an invitation link is for (who, which account), before its owner chooses a password. */
  invitation: publicProcedure
    .input(ZInvitationInput)
    .query(({ ctx, input }) => getInvitation(ctx.deps.prisma, input.token)),

  /** Uses an invitation link once: sets the password and signs in. */
  acceptInvite: publicProcedure.input(ZAcceptInviteInput).mutation(async ({ ctx, input }) => {
    const started = await acceptInvitation(ctx.deps, input);
    return signedIn(ctx, started, input.mode);
  }),
});
