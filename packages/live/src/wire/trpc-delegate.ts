// tRPC's own WebSocket connection handler, for the messages a connection does not serve itself
// (queries, mutations, presence). It sees the socket through a view that carries only the messages
// handed to it, so it never answers, or even parses, the live stream's traffic. Keep-alive stays
// with the connection: the view's handler runs none.
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { type AppRouter, appRouter, type Context } from "@handoff/api";
import { getWSConnectionHandler, type WSSHandlerOptions } from "@trpc/server/adapters/ws";
import type { WebSocket } from "ws";

/**
 * The socket as tRPC's handler uses it: messages only when handed over, sends passed on through the
 * connection (which drops them while the socket is backed up), closes passed on.
 */
export class DelegatedSocketView extends EventEmitter {
  readonly #socket: WebSocket;
  readonly #connection: TDelegatedRequest;

  constructor(socket: WebSocket, connection: TDelegatedRequest) {
    super();
    this.#socket = socket;
    this.#connection = connection;
    socket.once("close", () => this.emit("close"));
  }

  get readyState(): number {
    return this.#socket.readyState;
  }

  hand(data: Buffer, isBinary: boolean): void {
    this.emit("message", data, isBinary);
  }

  send(data: string): void {
    this.#connection.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#socket.close(code, reason);
  }
}

/**
 * What tRPC's handler reads of the request it is given (the path, and a host when one is given),
 * and the connection's own send.
 */
export type TDelegatedRequest = { url: string; headers: { host?: string }; send(frame: string): boolean };

type TDelegateOptions<TRequest extends TDelegatedRequest> = Pick<WSSHandlerOptions<AppRouter>, "onError"> & {
  /** The connection's context; `request` is the object the delegate was opened with. */
  createContext(request: TRequest): Context;
};

/** Returns what opens tRPC's handler on a socket, once per connection that needs it. */
export function createTrpcDelegate<TRequest extends TDelegatedRequest>(
  options: TDelegateOptions<TRequest>,
): (socket: WebSocket, request: TRequest) => DelegatedSocketView {
  const handleConnection = getWSConnectionHandler<AppRouter>({
    router: appRouter,
    onError: options.onError,
    createContext: ({ req }) => options.createContext(req as unknown as TRequest),
  } as WSSHandlerOptions<AppRouter>);
  return (socket, request) => {
    const view = new DelegatedSocketView(socket, request);
    handleConnection(view as unknown as WebSocket, request as unknown as IncomingMessage);
    return view;
  };
}
