// One WebSocket connection. The live escalation stream, nearly all the traffic a connection ever
// carries, is served here directly: each event reaches the socket as a frame built once for every
// subscriber (tracked-data-frame.ts), and a connection costs one small record, not tRPC's
// per-connection and per-subscription machinery. Anything else (queries, mutations, presence) goes
// to tRPC's own handler, opened for the connection the first time it is needed (trpc-delegate.ts).
import {
  type ApiDeps,
  AppError,
  type Logger,
  queueStreamWork,
  SESSION_ENDED_MESSAGE,
  startEscalationStream,
  type TFollowing,
  type TSocketStreams,
  toTRPCError,
  ZOnEventInput,
} from "@handoff/api";
import { TRPCError } from "@trpc/server";
import type { RawData, WebSocket } from "ws";
import { keepAliveDue, type TKeepAlive, type TSweptConnection } from "./connection-sweep.ts";
import { sendUnlessBackedUp } from "./send-unless-backed-up.ts";
import { trackedDataFrame } from "./tracked-data-frame.ts";
import type { DelegatedSocketView, TDelegatedRequest } from "./trpc-delegate.ts";
import {
  errorFrame,
  parseWireRequest,
  startedFrame,
  stoppedFrame,
  type TWireId,
  type TWireRequest,
} from "./trpc-wire.ts";

const ESCALATION_STREAM_PATH = "escalation.onEvent";
const NO_HEADERS = {};
const WS_CLOSE_POLICY_VIOLATION = 1008;

/** What the connection keeps of its upgrade request, worked out once when it was accepted. */
export type TConnectionFacts = {
  /** From the login cookie; a `connectionParams` message, when the url announces one, replaces it. */
  authToken: string | null;
  usesConnectionParams: boolean;
  clientIp: string;
  deviceToken: string | null;
  /** Identifies the connection in log lines. */
  logFields: Record<string, unknown>;
};

export type TConnectionOptions = {
  deps: ApiDeps;
  logger: Logger;
  keepAlive: TKeepAlive;
  /** A socket with no valid login after this long is closed. */
  authTimeoutMs: number;
  /** Opens tRPC's handler for the connection (see trpc-delegate.ts). */
  openDelegate(socket: WebSocket, connection: SocketConnection): DelegatedSocketView;
  /** Once the socket has closed and its streams are stopped. */
  onClosed(connection: SocketConnection, code: number): void;
};

/**
 * The socket listeners are shared by every connection (`this` is the socket that emitted), so a
 * connection costs no closures of its own for them.
 */
const connectionOf = new WeakMap<WebSocket, SocketConnection>();

function onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  connectionOf.get(this)?.onMessage(data, isBinary);
}

function onSocketError(this: WebSocket, error: Error): void {
  connectionOf.get(this)?.onError(error);
}

function onSocketClose(this: WebSocket, code: number): void {
  connectionOf.get(this)?.onClose(code);
}

export class SocketConnection implements TSocketStreams, TSweptConnection, TDelegatedRequest {
  live = 0;
  refused = 0;
  /** tRPC's handler gets no connectionParams: the connection has read them already. */
  readonly url = "/trpc";
  /** No host either: tRPC would parse the client's Host header, and throw on a malformed one. */
  readonly headers = NO_HEADERS;
  authToken: string | null;
  readonly clientIp: string;
  readonly deviceToken: string | null;
  readonly #socket: WebSocket;
  readonly #options: TConnectionOptions;
  /** Identifies the connection in log lines. */
  readonly logFields: Record<string, unknown>;
  readonly #openedAt = performance.now();
  #heardAt = this.#openedAt;
  #pingedAt: number | null = null;
  /** When an unauthenticated socket is closed; null once it signed in (or was closed for it). */
  #signInDeadline: number | null;
  #isAwaitingConnectionParams: boolean;
  #hasLoggedError = false;
  /** The escalation streams this socket serves, by subscription id. */
  #streams: Map<TWireId, TFollowing> | null = null;
  #delegate: DelegatedSocketView | null = null;

  constructor(socket: WebSocket, facts: TConnectionFacts, options: TConnectionOptions) {
    this.#socket = socket;
    this.#options = options;
    this.logFields = facts.logFields;
    this.authToken = facts.authToken;
    this.clientIp = facts.clientIp;
    this.deviceToken = facts.deviceToken;
    this.#isAwaitingConnectionParams = facts.usesConnectionParams;
    this.#signInDeadline = this.#openedAt + options.authTimeoutMs;
    connectionOf.set(socket, this);
    socket.on("message", onSocketMessage);
    socket.on("error", onSocketError);
    socket.once("close", onSocketClose);
    if (!this.#isAwaitingConnectionParams) this.#checkLogin();
  }

  get ageMs(): number {
    return performance.now() - this.#openedAt;
  }

  send(frame: string | Buffer): void {
    sendUnlessBackedUp(this.#socket, frame);
  }

  disconnect(reason: string): void {
    this.#socket.close(WS_CLOSE_POLICY_VIOLATION, reason);
  }

  sweep(now: number): void {
    if (this.#signInDeadline !== null && now >= this.#signInDeadline) {
      this.#signInDeadline = null;
      this.#options.logger.info(this.logFields, "websocket closed: no valid login in time");
      this.disconnect("Sign in first");
      return;
    }
    const due = keepAliveDue(
      { heardAt: this.#heardAt, pingedAt: this.#pingedAt },
      now,
      this.#options.keepAlive,
    );
    if (due === "ping") {
      this.#pingedAt = now;
      this.#socket.send("PING");
    } else if (due === "cut") {
      this.#socket.terminate();
    }
  }

  onMessage(data: RawData, isBinary: boolean): void {
    this.#heardAt = performance.now();
    this.#pingedAt = null;
    const buffer = data as Buffer;
    if (!isBinary && buffer.length === 4) {
      const text = buffer.toString();
      if (text === "PING") this.#socket.send("PONG");
      if (text === "PING" || text === "PONG") return;
    }
    if (this.#isAwaitingConnectionParams) {
      this.#readConnectionParams(buffer);
      return;
    }
    const message = isBinary ? null : parseJson(buffer);
    // wsLink sends the requests of one moment as a batch (an array): stream requests are served
    // here, the rest goes to tRPC as it came, or as the batch of what is left.
    const items: unknown[] = Array.isArray(message) ? message : [message];
    const forTrpc = items.filter((item) => !this.#serveStreamRequest(item));
    if (forTrpc.length === 0) return;
    this.#delegate ??= this.#options.openDelegate(this.#socket, this);
    const isUntouched = forTrpc.length === items.length;
    this.#delegate.hand(isUntouched ? buffer : Buffer.from(JSON.stringify(forTrpc)), isBinary);
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

  /** tRPC's first message when the url says `connectionParams=1`: `{ method, data: { token } }`. */
  #readConnectionParams(buffer: Buffer): void {
    this.#isAwaitingConnectionParams = false;
    let token: unknown;
    try {
      token = (JSON.parse(buffer.toString()) as { data?: { token?: unknown } } | null)?.data?.token;
    } catch {
      const problem = new TRPCError({ code: "PARSE_ERROR", message: "Malformed connection params" });
      this.send(errorFrame(null, problem).frame);
      this.#socket.close();
      return;
    }
    if (typeof token === "string" && token !== "") this.authToken = token;
    this.#checkLogin();
  }

  #checkLogin(): void {
    void this.#options.deps.connectionLogins.viewerOf(this.authToken).then(
      (viewer) => {
        if (viewer) this.#signInDeadline = null;
      },
      () => undefined,
    );
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
    const fail = (error: unknown) => {
      streams.delete(id);
      this.#sendError(id, error, input);
    };
    try {
      const parsed = ZOnEventInput.safeParse(input);
      if (!parsed.success) throw new TRPCError({ code: "BAD_REQUEST", cause: parsed.error });
      const { deps } = this.#options;
      const viewer = await deps.connectionLogins.viewerOf(this.authToken);
      if (!viewer) throw new AppError("UNAUTHORIZED", SESSION_ENDED_MESSAGE);
      // Started inside the queue's budget, a few milliseconds' worth per turn: a storm's streams do
      // not all start at once when their shared login lookup answers.
      queueStreamWork(() => {
        if (isStopped) return;
        try {
          this.#signInDeadline = null;
          this.send(startedFrame(id));
          const stream = startEscalationStream(deps, {
            viewer,
            authToken: this.authToken,
            socket: this,
            lastEventId: parsed.data.lastEventId,
            deliver: (item) => this.send(trackedDataFrame(id, item)),
            end: (error) => {
              streams.delete(id);
              if (error === undefined) this.send(stoppedFrame(id));
              else this.#sendError(id, error, input);
            },
          });
          streams.set(id, stream);
        } catch (error) {
          fail(error);
        }
      });
    } catch (error) {
      fail(error);
    }
  }

  /** Ends a stream the client stopped (or whose socket went), answering as tRPC does. */
  #stopStream(id: TWireId): void {
    const stream = this.#streams?.get(id);
    if (!stream) return;
    this.#streams?.delete(id);
    stream.stop();
    this.send(stoppedFrame(id));
  }

  #sendError(id: TWireId, cause: unknown, input: unknown): void {
    const { frame, error } = errorFrame(id, cause instanceof AppError ? toTRPCError(cause) : cause, {
      path: ESCALATION_STREAM_PATH,
      input,
    });
    if (error.code === "INTERNAL_SERVER_ERROR") {
      this.#options.logger.error(
        { ...this.logFields, err: error, path: ESCALATION_STREAM_PATH },
        "websocket operation failed",
      );
    }
    this.send(frame);
  }

  /** A client can provoke these at will (an oversize frame, a bad opcode): one line per connection, no stack. */
  onError(error: Error): void {
    if (this.#hasLoggedError) return;
    this.#hasLoggedError = true;
    const problem = (error as { code?: string }).code ?? error.name;
    this.#options.logger.warn(
      { ...this.logFields, problem, message: error.message },
      "websocket error: connection closed",
    );
  }

  onClose(code: number): void {
    for (const stream of this.#streams?.values() ?? []) stream.stop();
    this.#streams = null;
    this.#options.onClosed(this, code);
  }
}

type TStreamStart = { method: "subscription"; id: TWireId; input: unknown };
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
