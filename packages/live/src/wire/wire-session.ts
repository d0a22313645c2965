// The tRPC side of one WebSocket connection. The live escalation stream, nearly all the traffic a
// connection ever carries, is served here directly: each event reaches the socket as a frame built
// once for every subscriber (tracked-data-frame.ts), and a connection costs one small record, not
// tRPC's per-connection and per-subscription machinery. Anything else (queries, mutations,
// presence) goes to tRPC's own handler, opened for the connection the first time it is needed
// (trpc-delegate.ts). The socket itself (accepting, signing in, keep-alive, backpressure, closing)
// is the server's.
import {
  AppError,
  appRouter,
  type Context,
  createCallerFactory,
  type Logger,
  type RouterInputs,
  type TSocketStreams,
  toTRPCError,
} from "@handoff/api";
import { TRPCError } from "@trpc/server";
import type { Live } from "../live.ts";
import { EscalationSource } from "../stream/escalation-source.ts";
import type { TFollowing } from "../stream/stream-hub.ts";
import { batchRefusalFrames } from "./batch-refusal.ts";
import type { TrackedDataFrames } from "./tracked-data-frame.ts";
import type { DelegatedSocketView } from "./trpc-delegate.ts";
import {
  errorFrame,
  parseWireRequest,
  startedFrame,
  stoppedFrame,
  type TWireId,
  type TWireRequest,
} from "./trpc-wire.ts";

const ESCALATION_STREAM_PATH = "escalation.onEvent";
/** Calls procedures as tRPC's adapter would: every middleware, then the resolver. */
const createCaller = createCallerFactory(appRouter);

/** What the protocol needs of the connection it speaks for. */
export type TWireConnection = TSocketStreams & {
  readonly authToken: string | null;
  readonly clientIp: string;
  /** Identifies the connection in log lines. */
  readonly logFields: Record<string, unknown>;
  /** Sends unless the socket is backed up; false when it was not sent. */
  send(frame: string | Buffer): boolean;
  /** A stream started: the connection holds a valid login. */
  onSignedIn(): void;
  /** Opens tRPC's handler for this connection (see trpc-delegate.ts). */
  openDelegate(): DelegatedSocketView;
};

/** What every connection's session shares: created once per server. */
export type TWireOptions = {
  live: Live;
  /** The context a procedure called for this connection gets (the same tRPC's handler gets). */
  createContext(connection: TWireConnection): Context;
  logger: Logger;
  /** Builds each event's frame once for every subscriber (createTrackedDataFrames). */
  frames: TrackedDataFrames;
  /** A live event's frame went out (`atMs`: the event's time), for the fan-out lag metric. */
  onFrameWritten?(atMs: number): void;
};

export class WireSession {
  readonly #connection: TWireConnection;
  readonly #options: TWireOptions;
  /** The escalation streams this socket serves, by subscription id. */
  #streams: Map<TWireId, TFollowing> | null = null;
  #delegate: DelegatedSocketView | null = null;

  constructor(connection: TWireConnection, options: TWireOptions) {
    this.#connection = connection;
    this.#options = options;
  }

  /** A client message (after keep-alive and connection params, which the socket handles). */
  onMessage(buffer: Buffer, isBinary: boolean): void {
    const message = isBinary ? null : parseJson(buffer);
    // wsLink sends the requests of one moment as a batch (an array): stream requests are served
    // here, the rest goes to tRPC as it came, or as the batch of what is left.
    const items: unknown[] = Array.isArray(message) ? message : [message];
    const refusal = items.length > 1 ? batchRefusalFrames(items) : null;
    if (refusal) {
      for (const frame of refusal) this.#connection.send(frame);
      return;
    }
    const forTrpc = items.filter((item) => !this.#serveStreamRequest(item));
    if (forTrpc.length === 0) return;
    this.#delegate ??= this.#connection.openDelegate();
    const isUntouched = forTrpc.length === items.length;
    this.#delegate.hand(isUntouched ? buffer : Buffer.from(JSON.stringify(forTrpc)), isBinary);
  }

  /** The socket closed: its streams stop. */
  close(): void {
    for (const stream of this.#streams?.values() ?? []) stream.stop();
    this.#streams = null;
  }

  /** Whether `item` was an escalation stream's request, which this connection now serves. */
  #serveStreamRequest(item: unknown): boolean {
    const request = escalationStreamRequest(item);
    if (request?.method === "subscription") {
      void this.#startStream(request);
      return true;
    }
    if (request?.method === "subscription.stop") {
      const isOurs = this.#streams?.has(request.id) ?? false;
      this.#stopStream(request.id);
      // Not ours: tRPC's, if it serves this connection; without it, nothing is left to stop.
      return isOurs || this.#delegate === null;
    }
    return false;
  }

  async #startStream({ id, input }: TStreamStart): Promise<void> {
    this.#streams ??= new Map();
    const streams = this.#streams;
    if (streams.has(id)) {
      this.#sendError(id, new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` }), input);
      return;
    }
    // Holds the id while the login is looked up: a stop meanwhile means it never starts.
    let isStopped = false;
    streams.set(id, {
      stop: () => {
        isStopped = true;
      },
    });
    try {
      // Events written before the stream started are a resume's replay, not fan-out: not timed.
      const startedAtMs = Date.now();
      // The procedure itself, through its middleware (login, API token scope, input): what it
      // returns is the stream's source, which this connection serves without iterating it.
      const source: unknown = await createCaller(
        this.#options.createContext(this.#connection),
      ).escalation.onEvent(input as RouterInputs["escalation"]["onEvent"]);
      if (!(source instanceof EscalationSource))
        throw new Error(`${ESCALATION_STREAM_PATH} returned no live source`);
      // Started inside the queue's budget, a few milliseconds' worth per turn: a storm's streams do
      // not all start at once when their shared login lookup answers.
      this.#options.live.scheduler.queueWork(() => {
        if (!isStopped) this.#attach(streams, { id, input, startedAtMs }, source);
      });
    } catch (error) {
      this.#fail(streams, id, error, input);
    }
  }

  /**
   * Serves the started stream. Apart from #startStream, so that what the stream keeps for as long as
   * it runs (the closures below and their scope) holds none of the start's values.
   */
  #attach(streams: Map<TWireId, TFollowing>, started: TStarted, source: EscalationSource): void {
    const connection = this.#connection;
    const { frames, onFrameWritten } = this.#options;
    const { id, input, startedAtMs } = started;
    try {
      connection.onSignedIn();
      connection.send(startedFrame(id));
      const stream = source.attach({
        deliver: (item) => {
          const isSent = connection.send(frames(id, item));
          if (isSent && onFrameWritten && item.atMs !== null && item.atMs >= startedAtMs) {
            onFrameWritten(item.atMs);
          }
        },
        end: (error) => {
          streams.delete(id);
          if (error === undefined) connection.send(stoppedFrame(id));
          else this.#sendError(id, error, input);
        },
      });
      streams.set(id, stream);
    } catch (error) {
      this.#fail(streams, id, error, input);
    }
  }

  #fail(streams: Map<TWireId, TFollowing>, id: TWireId, error: unknown, input: unknown): void {
    streams.delete(id);
    this.#sendError(id, error, input);
  }

  /** Ends a stream the client stopped (or whose socket went), answering as tRPC does. */
  #stopStream(id: TWireId): void {
    const stream = this.#streams?.get(id);
    if (!stream) return;
    this.#streams?.delete(id);
    stream.stop();
    this.#connection.send(stoppedFrame(id));
  }

  #sendError(id: TWireId, cause: unknown, input: unknown): void {
    const { frame, error } = errorFrame(id, cause instanceof AppError ? toTRPCError(cause) : cause, {
      path: ESCALATION_STREAM_PATH,
      input,
    });
    if (error.code === "INTERNAL_SERVER_ERROR") {
      this.#options.logger.error(
        { ...this.#connection.logFields, err: error, path: ESCALATION_STREAM_PATH },
        "websocket operation failed",
      );
    }
    this.#connection.send(frame);
  }
}

type TStreamStart = { method: "subscription"; id: TWireId; input: unknown };
/** `startedAtMs`: events written before it are a resume's replay. */
type TStarted = { id: TWireId; input: unknown; startedAtMs: number };
type TStreamRequest = TStreamStart | { method: "subscription.stop"; id: TWireId };

function parseJson(buffer: Buffer): unknown {
  try {
    return JSON.parse(buffer.toString());
  } catch {
    return null;
  }
}

/** The message, checked, if it starts or stops an escalation stream; null for anything else. */
function escalationStreamRequest(message: unknown): TStreamRequest | null {
  // A glance first, so tRPC's messages are not decoded here as well as by tRPC.
  const { method, params } = (message ?? {}) as { method?: unknown; params?: { path?: unknown } };
  const isStreamStart = method === "subscription" && params?.path === ESCALATION_STREAM_PATH;
  if (!isStreamStart && method !== "subscription.stop") return null;
  let request: TWireRequest;
  try {
    request = parseWireRequest(message);
  } catch {
    return null;
  }
  const { id } = request;
  if (id === null) return null;
  if (request.method === "subscription.stop") return { method: request.method, id };
  if (request.method !== "subscription" || request.params.path !== ESCALATION_STREAM_PATH) return null;
  const { input, lastEventId } = request.params;
  // As tRPC's adapter does: a resuming wsLink sends its last event id beside the input.
  return {
    method: request.method,
    id,
    input: lastEventId === undefined ? input : { ...(input as object), lastEventId },
  };
}
