// Composes the domain routers into the one AppRouter every app compiles against.
import { accountRouter } from "./routers/account.ts";
import { authRouter } from "./routers/auth.ts";
import { escalationRouter } from "./routers/escalation.ts";
import { handoffRouter } from "./routers/handoff.ts";
import { jobRouter } from "./routers/job.ts";
import { notificationRouter } from "./routers/notification.ts";
import { policyRouter } from "./routers/policy.ts";
import { presenceRouter } from "./routers/presence.ts";
import { psaRouter } from "./routers/psa.ts";
import { pushRouter } from "./routers/push.ts";
import { sessionRouter } from "./routers/session.ts";
import { teamRouter } from "./routers/team.ts";
import { userRouter } from "./routers/user.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
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
});

export type AppRouter = typeof appRouter;
