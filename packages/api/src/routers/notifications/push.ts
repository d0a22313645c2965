import { ZPushEndpointInput, ZPushSubscribeInput } from "../../schemas/inputs.ts";
import {
  listDevices,
  sendTestPush,
  subscribeDevice,
  unsubscribeDevice,
} from "../../services/notifications/push-devices.ts";
import { authedProcedure, engineerProcedure, router } from "../../trpc.ts";

export const pushRouter = router({
  /** The VAPID public key a browser subscribes with (`applicationServerKey`). */
  publicKey: authedProcedure.query(async ({ ctx }) => ({ publicKey: await ctx.deps.webPush.publicKey() })),

  /** Opt this device in, or change its priority threshold (same endpoint). */
  subscribe: engineerProcedure
    .input(ZPushSubscribeInput)
    .mutation(({ ctx, input }) => subscribeDevice(ctx.deps, ctx.viewer, input)),

  /** Anyone may turn pushes off, whatever their role now. */
  unsubscribe: authedProcedure
    .input(ZPushEndpointInput)
    .mutation(({ ctx, input }) => unsubscribeDevice(ctx.deps.prisma, ctx.viewer, input.endpoint)),

  mine: authedProcedure.query(({ ctx }) => listDevices(ctx.deps.prisma, ctx.viewer)),

  /** A test alert to one of your devices, sent at once → `{ isDelivered, problem }`. */
  test: authedProcedure
    .input(ZPushEndpointInput)
    .mutation(({ ctx, input }) => sendTestPush(ctx.deps, ctx.viewer, input.endpoint)),
});
