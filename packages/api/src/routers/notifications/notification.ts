import { ZNotificationListInput } from "../../schemas/inputs.ts";
import { listNotifications } from "../../services/notifications/notification-log.ts";
import { adminProcedure, router } from "../../trpc.ts";

export const notificationRouter = router({
  list: adminProcedure
    .input(ZNotificationListInput)
    .query(({ ctx, input }) => listNotifications(ctx.deps.prisma, ctx.viewer, input)),
});
