// What escalation.onEvent returns (TEscalationSource): the request, with the stream not yet
// started. tRPC's own adapter iterates it (one queue per subscriber, tracked envelopes); the
// WebSocket fast path attaches to it instead, and frames each event once for every subscriber.
import {
  AppError,
  type TEscalationEvent,
  type TEscalationRequest,
  type TEscalationSource,
  toTRPCError,
} from "@handoff/api";
import { type TrackedEnvelope, tracked } from "@trpc/server";
import { startEscalationStream, type TEscalationStreamDeps } from "./escalation-stream.ts";
import { pullItems, type TPushSink } from "./pulled-items.ts";
import type { TFollowing, TStreamItem } from "./stream-hub.ts";

export class EscalationSource implements TEscalationSource {
  readonly request: TEscalationRequest;
  /** Shared by every source of the process (no per-source closure). */
  readonly #deps: TEscalationStreamDeps;

  constructor(deps: TEscalationStreamDeps, request: TEscalationRequest) {
    this.#deps = deps;
    this.request = request;
  }

  /** Starts the stream, pushing to `sink`; throws the caps' AppError at once. */
  attach(sink: TPushSink<TStreamItem>): TFollowing {
    return startEscalationStream(this.#deps, this.request, sink);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TrackedEnvelope<TEscalationEvent>> {
    try {
      for await (const item of pullItems<TStreamItem>((sink) => this.attach(sink), this.request.signal)) {
        yield tracked(item.id, item.event);
      }
    } catch (error) {
      // The generator runs after the error-mapping middleware, so it maps its own service errors.
      throw error instanceof AppError ? toTRPCError(error) : error;
    }
  }
}
