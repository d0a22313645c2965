// One node:http server on one port: tRPC over HTTP and WebSocket at /trpc, health probes, and the
// web app's build. Owns connections only; the database, bus and mailer belong to the caller.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { type ApiDeps, appRouter, createContext, queueStreamWork } from "@handoff/api";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { WebSocketServer } from "ws";
import type { TAppConfig } from "./config.ts";
import { clientIpOf } from "./http/client-address.ts";
import { ConnectionsByAddress } from "./http/connections-by-address.ts";
import {
  appendSetCookie,
  authTokenFromRequest,
  deviceTokenFromRequest,
  serializeAuthCookie,
  serializeDeviceCookie,
} from "./http/cookies.ts";
import { isOriginAllowed } from "./http/origin-policy.ts";
import { createReadiness } from "./http/readiness.ts";
import { createStaticWebHandler, sendPlain } from "./http/static-web.ts";
import type { Logger } from "./logger.ts";
import { ConnectionSweep } from "./ws/connection-sweep.ts";
import { sendUnlessBackedUp } from "./ws/send-unless-backed-up.ts";
import { SocketConnection, type TConnectionFacts, type TConnectionOptions } from "./ws/socket-connection.ts";
import { createTrpcDelegate } from "./ws/trpc-delegate.ts";
import { RECONNECT_NOTICE } from "./ws/trpc-wire.ts";

export type TAppServerConfig = Pick<
  TAppConfig,
  | "host"
  | "port"
  | "appOrigins"
  | "isSecureCookie"
  | "wsMaxPayloadBytes"
  | "httpMaxBodyBytes"
  | "wsKeepAlive"
  | "shutdownGraceMs"
  | "webDistDir"
  | "isProxyTrusted"
  | "wsMaxPerAddress"
  | "wsAuthTimeoutMs"
>;

export type AppServerOptions = {
  config: TAppServerConfig;
  deps: ApiDeps;
  logger: Logger;
};

export type AppServer = {
  /** Starts listening; resolves with the base URL (e.g. http://127.0.0.1:3000). */
  listen(): Promise<string>;
  /** The base URL; only valid after listen(). */
  readonly url: string;
  readonly port: number;
  /**
   * Graceful stop: refuse new connections, tell WebSocket clients to reconnect (elsewhere), close
   * their sockets (ending their subscriptions), and let in-flight HTTP requests finish within
   * `shutdownGraceMs` before cutting what is left. Idempotent.
   */
  close(): Promise<void>;
};

const WS_CLOSE_SERVICE_RESTART = 1012;
/**
 * Connections the kernel queues until we accept them (it caps this at net.core.somaxconn). Node's
 * default of 511 overflows when thousands of clients reconnect at once after a restart: the
 * kernel then drops their SYNs, and each dropped client (and any request arriving meanwhile)
 * waits out TCP's retransmit backoff, 1 s, 3 s, 7 s, 15 s, 31 s, before it is even seen.
 */
const LISTEN_BACKLOG = 8192;
const TRPC_PATH = "/trpc";
/** Never an account id (those are cuids), so no escalation subscriber shares it. */
const READINESS_PROBE_CHANNEL = "readyz-probe";

function rejectUpgrade(socket: Duplex, status: number, reason: string) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

type TUpgradeFacts = Omit<TConnectionFacts, "logFields">;

/** Often enough for every timed duty of a socket (keep-alive, the login deadline) to be on time. */
function sweepPeriodMs(config: Pick<TAppServerConfig, "wsKeepAlive" | "wsAuthTimeoutMs">): number {
  const { pingMs, pongWaitMs } = config.wsKeepAlive;
  return Math.max(25, Math.min(pingMs, pongWaitMs, config.wsAuthTimeoutMs) / 4);
}

function formatUrl(host: string, port: number): string {
  const reachableHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachableHost.includes(":") ? `[${reachableHost}]` : reachableHost}:${port}`;
}

export function createAppServer(options: AppServerOptions): AppServer {
  const { config, deps, logger } = options;
  let isClosing = false;
  let closed: Promise<void> | null = null;
  let boundPort: number | null = null;

  const readiness = createReadiness(
    {
      database: async () => {
        await deps.prisma.$queryRaw`SELECT 1`;
      },
      // Subscribing is a round trip to Redis (SUBSCRIBE is acknowledged); the memory bus answers at once.
      bus: async () => {
        const probe = await deps.bus.subscribe(READINESS_PROBE_CHANNEL);
        probe.close();
      },
    },
    logger,
  );
  const serveStaticWeb = createStaticWebHandler({ distDir: config.webDistDir });

  const trpcHttpHandler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: config.httpMaxBodyBytes,
    createContext: ({ req, res }) =>
      createContext(deps, {
        authToken: authTokenFromRequest(req),
        clientIp: clientIpOf(req, config),
        deviceToken: deviceTokenFromRequest(req),
        setAuthCookie(cookie) {
          // Batched responses are written after every procedure has run, so headers are still open.
          if (res.headersSent) return logger.warn("session cookie not set: response already started");
          appendSetCookie(res, serializeAuthCookie(cookie, { isSecure: config.isSecureCookie }));
        },
        setDeviceCookie(deviceToken) {
          if (res.headersSent) return;
          appendSetCookie(res, serializeDeviceCookie(deviceToken, { isSecure: config.isSecureCookie }));
        },
      }),
    onError: ({ error, path, type }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error, path, type }, "procedure failed");
    },
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.wsMaxPayloadBytes,
    // One message per event-loop turn: a socket that sends thousands at once cannot hold up
    // everyone else's requests while they are answered (or refused).
    allowSynchronousEvents: false,
  });
  const connectionsByAddress = new ConnectionsByAddress(config.wsMaxPerAddress, logger);
  const openDelegate = createTrpcDelegate<SocketConnection>({
    // Never throws: a bad or expired token yields a context whose procedures answer UNAUTHORIZED
    // (a socket without a valid login is closed after WS_AUTH_TIMEOUT). A throwing createContext
    // makes tRPC close the socket, and wsLink then retries forever (#4774).
    createContext: (connection) =>
      createContext(deps, {
        authToken: connection.authToken,
        clientIp: connection.clientIp,
        deviceToken: connection.deviceToken,
        isLongLived: true,
        socketStreams: connection,
      }),
    onError: ({ error, path, type }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error, path, type }, "websocket operation failed");
    },
  });
  const connectionOptions: TConnectionOptions = {
    deps,
    logger,
    keepAlive: config.wsKeepAlive,
    authTimeoutMs: config.wsAuthTimeoutMs,
    openDelegate,
    onClosed(connection, code) {
      sweep.delete(connection);
      connectionsByAddress.remove(connection.clientIp);
      logger.info(
        { ...connection.logFields, code, durationMs: Math.round(connection.ageMs) },
        "websocket closed",
      );
    },
  };
  const sweep = new ConnectionSweep(sweepPeriodMs(config));

  let connectionCounter = 0;
  wss.on("connection", (socket, upgrade: TUpgradeFacts) => {
    const logFields = { connectionId: ++connectionCounter, ip: upgrade.clientIp };
    logger.info(logFields, "websocket connected");
    connectionsByAddress.add(upgrade.clientIp);
    sweep.add(new SocketConnection(socket, { ...upgrade, logFields }, connectionOptions));
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse) {
    const startedAt = performance.now();
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    const isProbe = pathname === "/healthz" || pathname === "/readyz";
    res.once("close", () => {
      const line = {
        method: req.method,
        path: pathname,
        status: res.statusCode,
        durationMs: Math.round(performance.now() - startedAt),
        isAborted: !res.writableFinished,
      };
      if (isProbe) logger.debug(line, "request");
      else logger.info(line, "request");
    });
    // Tell keep-alive clients to go once this response is done, so shutdown can finish.
    if (isClosing) res.setHeader("Connection", "close");

    if (pathname === "/healthz") return sendPlain(res, 200, "ok");
    if (pathname === "/readyz") {
      const report = isClosing ? { isReady: false, checks: { server: "not ok" } } : await readiness.check();
      res.writeHead(report.isReady ? 200 : 503, {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
      });
      res.end(JSON.stringify(report));
      return;
    }
    if (pathname.startsWith(`${TRPC_PATH}/`)) {
      if (!isOriginAllowed(req, config.appOrigins)) return sendPlain(res, 403, "Origin not allowed");
      return trpcHttpHandler(req, res);
    }
    if ((req.method === "GET" || req.method === "HEAD") && serveStaticWeb(req, res, pathname)) return;
    sendPlain(res, 404, "Not found");
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      logger.error({ err: error, method: req.method, url: req.url }, "request failed");
      if (!res.headersSent) sendPlain(res, 500, "Internal server error");
      else res.destroy();
    });
  });

  // One listener for every socket (it stays on the socket for the connection's life).
  const onUpgradeSocketError = (error: Error) => logger.debug({ err: error }, "upgrade socket error");
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", onUpgradeSocketError);
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== TRPC_PATH) return rejectUpgrade(socket, 404, "Not Found");
    if (isClosing) return rejectUpgrade(socket, 503, "Service Unavailable");
    if (!isOriginAllowed(req, config.appOrigins)) {
      logger.warn(
        { origin: req.headers.origin, ip: clientIpOf(req, config) },
        "websocket refused: origin not allowed",
      );
      return rejectUpgrade(socket, 403, "Forbidden");
    }
    const clientIp = clientIpOf(req, config);
    if (!connectionsByAddress.hasRoomFor(clientIp)) return rejectUpgrade(socket, 429, "Too Many Requests");
    // Completed a few milliseconds' worth per turn, with the stream's other work (fan-out-queue.ts):
    // a reconnect storm of thousands of sockets holds no request up for long. The address is checked
    // again then: those queued meanwhile count once accepted.
    queueStreamWork(() => {
      if (socket.destroyed) return;
      if (isClosing) return rejectUpgrade(socket, 503, "Service Unavailable");
      if (!connectionsByAddress.hasRoomFor(clientIp)) return rejectUpgrade(socket, 429, "Too Many Requests");
      const upgrade: TUpgradeFacts = {
        authToken: authTokenFromRequest(req),
        usesConnectionParams: url.searchParams.get("connectionParams") === "1",
        clientIp,
        deviceToken: deviceTokenFromRequest(req),
      };
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, upgrade));
    });
  });

  server.on("clientError", (error, socket) => {
    logger.debug({ err: error }, "malformed HTTP request");
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });

  async function shutdown() {
    isClosing = true;
    const isServerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of wss.clients) {
      sendUnlessBackedUp(socket, RECONNECT_NOTICE);
      socket.close(WS_CLOSE_SERVICE_RESTART, "Server restarting");
    }

    // Idle keep-alive connections are closed at once; busy ones as soon as their response is done.
    const deadline = Date.now() + config.shutdownGraceMs;
    let isDrained = false;
    void isServerClosed.then(() => {
      isDrained = true;
    });
    while (!isDrained && Date.now() < deadline) {
      server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!isDrained) {
      logger.warn("shutdown grace period over: cutting remaining connections");
      server.closeAllConnections();
      for (const socket of wss.clients) socket.terminate();
    }
    await isServerClosed;
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    logger.info("server closed");
  }

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
          server.off("error", reject);
          const address = server.address();
          boundPort = typeof address === "object" && address ? address.port : config.port;
          resolve(formatUrl(config.host, boundPort));
        });
      });
    },
    get url() {
      if (boundPort === null) throw new Error("The server is not listening yet: call listen() first.");
      return formatUrl(config.host, boundPort);
    },
    get port() {
      if (boundPort === null) throw new Error("The server is not listening yet: call listen() first.");
      return boundPort;
    },
    close() {
      closed ??= shutdown();
      return closed;
    },
  };
}
