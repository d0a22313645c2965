// A bare TCP server on this machine that answers any request with 200 and `{}`, for the tests of
// the private-network guard (the API package speaks no HTTP server). Call it in a describe block;
// read `port` and `requests` (connections so far) inside tests: it listens once its beforeAll has run.
import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { afterAll, beforeAll } from "vitest";

export type BareHttpServer = { readonly port: number; readonly requests: number };

export function useBareHttpServer(): BareHttpServer {
  let requests = 0;
  let port = 0;
  const server = createServer((socket) => {
    requests += 1;
    socket.once("data", () =>
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
    );
  });
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());
  return {
    get port() {
      return port;
    },
    get requests() {
      return requests;
    },
  };
}
