// One WebSocket connection's lifecycle: keep-alive, the sign-in deadline and connection params,
// sends that give way when the socket is backed up, errors and close. What its messages say, tRPC's
// protocol and the live stream served over it, is @handoff/live's WireSession, opened at the first
// message that is not a keep-alive.
import { type ConnectionLogins, hashToken } from "@handoff/api";
import {
  type DelegatedSocketView,
  errorFrame,
  type TWireConnection,
  type TWireOptions,
  WireSession,
} from "@handoff/live";
import { TRPCError } from "@trpc/server";
import type { RawData, WebSocket } from "ws";
import { keepAliveDue, type TKeepAlive, type TSweptConnection } from "./connection-sweep.ts";
import { sendUnlessBackedUp } from "./send-unless-backed-up.ts";

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
  /** What every connection's WireSession shares. */
  wire: TWireOptions;
  /** Looks up the connection's login (batched, with a short cache), to lift the sign-in deadline. */
  connectionLogins: ConnectionLogins;
  keepAlive: TKeepAlive;
  /** A socket with no valid login after this long is closed. */
  authTimeoutMs: number;
  /** Opens tRPC's handler for the connection (see @handoff/live's trpc-delegate.ts). */
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

export class SocketConnection implements TWireConnection, TSweptConnection {
  live = 0;
  refused = 0;
  /** tRPC's handler gets no connectionParams: the connection has read them already. */
  readonly url = "/trpc";
  /** No host either: tRPC would parse the client's Host header, and throw on a malformed one. */
  readonly headers = NO_HEADERS;
  #authToken: string | null = null;
  #authTokenHash: string | null = null;
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
  /** tRPC's protocol on this socket; null until its first message. */
  #wire: WireSession | null = null;

  get authToken(): string | null {
    return this.#authToken;
  }

  /** The login's sha256, as ended logins are announced: worked out once, not per announcement. */
  get authTokenHash(): string | null {
    return this.#authTokenHash;
  }

  #useAuthToken(token: string | null): void {
    this.#authToken = token;
    this.#authTokenHash = token === null ? null : hashToken(token);
  }

  constructor(socket: WebSocket, facts: TConnectionFacts, options: TConnectionOptions) {
    this.#socket = socket;
    this.#options = options;
    this.logFields = facts.logFields;
    this.#useAuthToken(facts.authToken);
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

  send(frame: string | Buffer): boolean {
    return sendUnlessBackedUp(this.#socket, frame);
  }

  disconnect(reason: string): void {
    this.#socket.close(WS_CLOSE_POLICY_VIOLATION, reason);
  }

  sweep(now: number): void {
    if (this.#signInDeadline !== null && now >= this.#signInDeadline) {
      this.#signInDeadline = null;
      this.#options.wire.logger.info(this.logFields, "websocket closed: no valid login in time");
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
    this.#wire ??= new WireSession(this, this.#options.wire);
    this.#wire.onMessage(buffer, isBinary);
  }

  onSignedIn(): void {
    this.#signInDeadline = null;
  }

  openDelegate(): DelegatedSocketView {
    return this.#options.openDelegate(this.#socket, this);
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
    if (typeof token === "string" && token !== "") this.#useAuthToken(token);
    this.#checkLogin();
  }

  #checkLogin(): void {
    void this.#options.connectionLogins.viewerOf(this.authToken).then(
      (viewer) => {
        if (viewer) this.#signInDeadline = null;
      },
      () => undefined,
    );
  }

  /** A client can provoke these at will (an oversize frame, a bad opcode): one line per connection, no stack. */
  onError(error: Error): void {
    if (this.#hasLoggedError) return;
    this.#hasLoggedError = true;
    const problem = (error as { code?: string }).code ?? error.name;
    this.#options.wire.logger.warn(
      { ...this.logFields, problem, message: error.message },
      "websocket error: connection closed",
    );
  }

  onClose(code: number): void {
    this.#wire?.close();
    this.#options.onClosed(this, code);
  }
}
