import { ZLoginInput } from "../schemas/inputs.ts";
import { login, logout } from "../services/auth-service.ts";
import { authedProcedure, publicProcedure, router } from "../trpc.ts";

export const authRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const { viewer, token, expiresAt, deviceToken } = await login(ctx.deps, {
      ...input,
      clientIp: ctx.transport.clientIp,
      deviceToken: ctx.transport.deviceToken,
    });
    ctx.transport.setAuthCookie?.({ token, expiresAt });
    ctx.transport.setDeviceCookie?.(deviceToken);
    const { accountId: _accountId, authSessionId: _authSessionId, ...publicViewer } = viewer;
    return input.mode === "token" ? { viewer: publicViewer, token } : { viewer: publicViewer, token: null };
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await logout(ctx.deps.prisma, ctx.transport.authToken);
    ctx.transport.setAuthCookie?.(null);
    return { ok: true as const };
  }),

  me: authedProcedure.query(({ ctx }) => {
    const { accountId: _accountId, authSessionId: _authSessionId, ...publicViewer } = ctx.viewer;
    return publicViewer;
  }),
});
