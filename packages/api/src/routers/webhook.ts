import {
  ZWebhookCreateInput,
  ZWebhookDeliveriesInput,
  ZWebhookDeliveryInput,
  ZWebhookEndpointInput,
  ZWebhookUpdateInput,
} from "../schemas/webhooks.ts";
import { auditSourceOf } from "../services/audit/record-audit.ts";
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  resendDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from "../services/webhooks/webhook-endpoints.ts";
import { adminProcedure, router } from "../trpc.ts";

// Outbound webhooks and Teams/Slack channels: ADMIN+ throughout.
export const webhookRouter = router({
  list: adminProcedure.query(({ ctx }) => listWebhooks(ctx.deps, ctx.viewer)),
  create: adminProcedure
    .input(ZWebhookCreateInput)
    .mutation(({ ctx, input }) => createWebhook(ctx.deps, ctx.viewer, input, auditSourceOf(ctx))),
  update: adminProcedure
    .input(ZWebhookUpdateInput)
    .mutation(({ ctx, input }) => updateWebhook(ctx.deps, ctx.viewer, input, auditSourceOf(ctx))),
  remove: adminProcedure
    .input(ZWebhookEndpointInput)
    .mutation(({ ctx, input }) => deleteWebhook(ctx.deps, ctx.viewer, input.endpointId, auditSourceOf(ctx))),
  rotateSecret: adminProcedure
    .input(ZWebhookEndpointInput)
    .mutation(({ ctx, input }) =>
      rotateWebhookSecret(ctx.deps, ctx.viewer, input.endpointId, auditSourceOf(ctx)),
    ),
  sendTest: adminProcedure
    .input(ZWebhookEndpointInput)
    .mutation(({ ctx, input }) => sendTestEvent(ctx.deps, ctx.viewer, input.endpointId)),
  deliveries: adminProcedure
    .input(ZWebhookDeliveriesInput)
    .query(({ ctx, input }) => listDeliveries(ctx.deps, ctx.viewer, input)),
  resend: adminProcedure
    .input(ZWebhookDeliveryInput)
    .mutation(({ ctx, input }) => resendDelivery(ctx.deps, ctx.viewer, input.deliveryId)),
});
