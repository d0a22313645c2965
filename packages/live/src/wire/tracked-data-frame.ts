// A stream event as tRPC's WebSocket adapter would send it to one subscription (a tracked `data`
// result, the router's transformer inside JSON), built once per event and per subscription id:
// nearly every subscriber's id is the same, so an event costs one serialisation however many
// sockets get it. The frame is UTF-8 bytes, so no send encodes it again.
import type { TStreamItem } from "../stream/stream-hub.ts";
import { serializeResultData, type TWireId } from "./trpc-wire.ts";

type TFrames = { data: string; bySubscription: Map<TWireId, Buffer> };

/** The frame of `item` for subscription `subscriptionId`. */
export type TrackedDataFrames = (subscriptionId: TWireId, item: TStreamItem) => Buffer;

/** One per server: each event's frames are kept as long as the event itself (a WeakMap on it). */
export function createTrackedDataFrames(): TrackedDataFrames {
  const framesByItem = new WeakMap<TStreamItem, TFrames>();
  return (subscriptionId, item) => {
    let frames = framesByItem.get(item);
    if (!frames) {
      frames = {
        data: JSON.stringify(serializeResultData({ id: item.id, data: item.event })),
        bySubscription: new Map(),
      };
      framesByItem.set(item, frames);
    }
    let frame = frames.bySubscription.get(subscriptionId);
    if (frame === undefined) {
      frame = Buffer.from(
        // tRPC's own order of keys (its adapter adds the tracked id after the data): see
        // apps/server/test/frame-contract.integration.test.ts.
        `{"id":${JSON.stringify(subscriptionId)},"result":{"type":"data","data":${frames.data},"id":${JSON.stringify(item.id)}}}`,
      );
      frames.bySubscription.set(subscriptionId, frame);
    }
    return frame;
  };
}
