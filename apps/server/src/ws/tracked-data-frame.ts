// A stream event as tRPC's WebSocket adapter would send it to one subscription (a tracked `data`
// result, the router's transformer inside JSON), built once per event and per subscription id:
// nearly every subscriber's id is the same, so an event costs one serialisation however many
// sockets get it. The frame is UTF-8 bytes, so no send encodes it again.
import type { TStreamItem } from "@handoff/api";
import { serializeResultData, type TWireId } from "./trpc-wire.ts";

type TFrames = { data: string; bySubscription: Map<TWireId, Buffer> };

const framesByItem = new WeakMap<TStreamItem, TFrames>();

export function trackedDataFrame(subscriptionId: TWireId, item: TStreamItem): Buffer {
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
      `{"id":${JSON.stringify(subscriptionId)},"result":{"type":"data","id":${JSON.stringify(item.id)},"data":${frames.data}}}`,
    );
    frames.bySubscription.set(subscriptionId, frame);
  }
  return frame;
}
