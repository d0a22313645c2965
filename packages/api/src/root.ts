// Composes the domain routers into the one AppRouter every app compiles against.
import { accountRouter } from "./routers/admin/account.ts";
import { auditRouter } from "./routers/admin/audit.ts";
import { teamRouter } from "./routers/admin/team.ts";
import { userRouter } from "./routers/admin/user.ts";
import { apiTokenRouter } from "./routers/auth/api-token.ts";
import { authRouter } from "./routers/auth/auth.ts";
import { passwordRouter } from "./routers/auth/password.ts";
import { setupRouter } from "./routers/auth/setup.ts";
import { ssoRouter } from "./routers/auth/sso.ts";
import { twoFactorRouter } from "./routers/auth/two-factor.ts";
import { escalationRouter } from "./routers/escalation.ts";
import { handoffRouter } from "./routers/handoff.ts";
import { jobRouter } from "./routers/job.ts";
import { notificationRouter } from "./routers/notifications/notification.ts";
import { pushRouter } from "./routers/notifications/push.ts";
import { policyRouter } from "./routers/policy.ts";
import { presenceRouter } from "./routers/presence.ts";
import { psaRouter } from "./routers/psa.ts";
import { sessionRouter } from "./routers/session.ts";
import { webhookRouter } from "./routers/webhook.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  password: passwordRouter,
  account: accountRouter,
  session: sessionRouter,
  handoff: handoffRouter,
  escalation: escalationRouter,
  job: jobRouter,
  push: pushRouter,
  psa: psaRouter,
  user: userRouter,
  team: teamRouter,
  notification: notificationRouter,
  presence: presenceRouter,
  policy: policyRouter,
  apiToken: apiTokenRouter,
  webhook: webhookRouter,
  setup: setupRouter,
  sso: ssoRouter,
  twoFactor: twoFactorRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
