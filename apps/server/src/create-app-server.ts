// One node:http server: tRPC over HTTP and WebSocket at /trpc, health probes, and the web app's build,
// on its port and (STREAM_PORT) on a second one for the live stream's sockets. Owns connections only;
// the database, bus and mailer belong to the caller.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import type { Duplex } from "node:stream";
import { appRouter, createContext } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTrackedDataFrames, createTrpcDelegate, RECONNECT_NOTICE } from "@handoff/live";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { WebSocketServer } from "ws";
import type { TServerDeps } from "./app-deps.ts";
import type { TAppConfig } from "./config.ts";
import { refuseUnsafeBatch } from "./http/batch-policy.ts";
import { clientIpOf } from "./http/client-address.ts";
import { ConnectionsByAddress } from "./http/connections-by-address.ts";
import {
  appendSetCookie,
  authTokenFromRequest,
  deviceTokenFromRequest,
  serializeAuthCookie,
  serializeDeviceCookie,
} from "./http/cookies.ts";
import { isHttpCallAllowed, isOriginAllowed } from "./http/origin-policy.ts";
import { createReadiness } from "./http/readiness.ts";
import { REQUEST_ID_HEADER, requestIdOf } from "./http/request-id.ts";
import { createSecurityHeaders } from "./http/security-headers.ts";
import { createSsoRoutes } from "./http/sso-routes.ts";
import { createStaticWebHandler, sendPlain } from "./http/static-web.ts";
import type { Logger } from "./logger.ts";
import {
  createMetricsListener,
  createTokenMetricsHandler,
  METRICS_PATH,
} from "./metrics/metrics-endpoint.ts";
import type { ServerMetrics } from "./metrics/server-metrics.ts";
import { ConnectionSweep } from "./ws/connection-sweep.ts";
import { closeSocketsOfEndedLogins } from "./ws/revoked-logins.ts";
import { sendUnlessBackedUp } from "./ws/send-unless-backed-up.ts";
import { SocketConnection, type TConnectionFacts, type TConnectionOptions } from "./ws/socket-connection.ts";

export type TAppServerConfig = Pick<
  TAppConfig,
  | "host"
  | "port"
  | "streamPort"
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
  | "metrics"
>;

export type AppServerOptions = {
  config: TAppServerConfig;
  deps: TServerDeps;
  /** Whether the database answers, for /readyz (see Database.ping). */
  database: Pick<Database, "ping">;
  logger: Logger;
  /** This process's figures, served at /metrics as config.metrics allows; absent: no /metrics. */
  metrics?: ServerMetrics;
};

export type AppServer = {
  /** Starts listening; resolves with the base URL (e.g. http://127.0.0.1:3000). */
  listen(): Promise<string>;
  /** The base URL; only valid after listen(). */
  readonly url: string;
  /** The separate metrics listener's /metrics URL (METRICS_PORT), or null; only valid after listen(). */
  readonly metricsUrl: string | null;
  /** The second port's base URL (STREAM_PORT), or null; only valid after listen(). */
  readonly streamUrl: string | null;
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
 * Connections the kernel queues until we accept them (it caps this at net.core.somaxconn, 4096 by
 * default; compose.yaml raises it for the replicas). Node's default of 511 overflows when
 * thousands of clients reconnect at once after a restart: the kernel then drops their SYNs, and
 * each dropped client (and any request arriving meanwhile) waits out TCP's retransmit backoff,
 * 1 s, 3 s, 7 s, 15 s, 31 s, before it is even seen. 10,000 subscribers reconnecting overflowed a
 * queue of 4096 about 4,300 times; one of 16384 not once.
 */
export const LISTEN_BACKLOG = 16384;
/**
 * How long an idle keep-alive connection stays open. Behind a reverse proxy the proxy must be the side
 * that retires an idle connection: Caddy keeps its upstream connections 2 minutes (nginx and cloud load
 * balancers about 60 s), Node closes them after 5 s by default, and a request the proxy sends on a
 * connection Node is closing comes back as a 502 with no body (an escalation lost to the user).
 */
const KEEP_ALIVE_TIMEOUT_MS = 125_000;
const TRPC_PATH = "/trpc";
/** Never an account id (those are cuids), so no escalation subscriber shares it. */
const READINESS_PROBE_CHANNEL = "readyz-probe";

function rejectUpgrade(socket: Duplex, status: number, reason: string) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

type TUpgradeFacts = Omit<TConnectionFacts, "logFields"> & { requestId: string };

/** Often enough for every timed duty of a socket (keep-alive, the login deadline) to be on time. */
function sweepPeriodMs(config: Pick<TAppServerConfig, "wsKeepAlive" | "wsAuthTimeoutMs">): number {
  const { pingMs, pongWaitMs } = config.wsKeepAlive;
  return Math.max(25, Math.min(pingMs, pongWaitMs, config.wsAuthTimeoutMs) / 4);
}

/** Resolves with the port bound (the one asked for, or the one the system chose for 0). */
function listenOn(
  server: NetServer,
  options: { port: number; host: string; backlog?: number },
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : options.port);
    });
  });
}

function formatUrl(host: string, port: number): string {
  const reachableHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachableHost.includes(":") ? `[${reachableHost}]` : reachableHost}:${port}`;
}

export function createAppServer(options: AppServerOptions): AppServer {
  const { config, deps, logger } = options;
  const metrics = options.metrics ?? null;
  let isClosing = false;
  let closed: Promise<void> | null = null;
  let boundPort: number | null = null;

  const readiness = createReadiness(
    {
      database: () => options.database.ping(),
      // Subscribing is a round trip to Redis (SUBSCRIBE is acknowledged); the memory bus answers at once.
      bus: async () => {
        const probe = await deps.bus.subscribe(READINESS_PROBE_CHANNEL);
        probe.close();
      },
    },
    logger,
  );
  const serveStaticWeb = createStaticWebHandler({ distDir: config.webDistDir });
  const setSecurityHeaders = createSecurityHeaders(config);
  /** Each request's logger (its request id bound in), for what runs on its behalf. */
  const requestLoggers = new WeakMap<IncomingMessage, Logger>();
  const loggerOf = (req: IncomingMessage) => requestLoggers.get(req) ?? logger;
  /** What the procedures and the SSO routes log (through deps.logger) carries the request id too. */
  const requestDeps = (req: IncomingMessage): TServerDeps => ({ ...deps, logger: loggerOf(req) });
  const handleSso = createSsoRoutes({
    depsOf: requestDeps,
    appOrigins: config.appOrigins,
    isSecureCookie: config.isSecureCookie,
    isProxyTrusted: config.isProxyTrusted,
  });

  const trpcHttpHandler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: config.httpMaxBodyBytes,
    createContext: ({ req, res, info }) => {
      refuseUnsafeBatch(info);
      return createContext(requestDeps(req), {
        authToken: authTokenFromRequest(req),
        clientIp: clientIpOf(req, config),
        deviceToken: deviceTokenFromRequest(req),
        userAgent: req.headers["user-agent"] ?? null,
        setAuthCookie(cookie) {
          // Batched responses are written after every procedure has run, so headers are still open.
          if (res.headersSent) return loggerOf(req).warn("session cookie not set: response already started");
          appendSetCookie(res, serializeAuthCookie(cookie, { isSecure: config.isSecureCookie }));
        },
        setDeviceCookie(deviceToken) {
          if (res.headersSent) return;
          appendSetCookie(res, serializeDeviceCookie(deviceToken, { isSecure: config.isSecureCookie }));
        },
      });
    },
    onError: ({ error, path, type, req }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        loggerOf(req).error({ err: error, path, type }, "procedure failed");
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
  // Never throws: a bad or expired token yields a context whose procedures answer UNAUTHORIZED
  // (a socket without a valid login is closed after WS_AUTH_TIMEOUT). A throwing createContext
  // makes tRPC close the socket, and wsLink then retries forever (#4774).
  const connectionContext = (connection: SocketConnection) =>
    createContext(deps, {
      authToken: connection.authToken,
      clientIp: connection.clientIp,
      deviceToken: connection.deviceToken,
      isLongLived: true,
      socketStreams: connection,
    });
  const openDelegate = createTrpcDelegate<SocketConnection>({
    createContext: connectionContext,
    onError: ({ error, path, type }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error, path, type }, "websocket operation failed");
    },
  });
  const connectionOptions: TConnectionOptions = {
    wire: {
      live: deps.live,
      frames: createTrackedDataFrames(),
      logger,
      createContext: (connection) => connectionContext(connection as SocketConnection),
    },
    connectionLogins: deps.connectionLogins,
    keepAlive: config.wsKeepAlive,
    authTimeoutMs: config.wsAuthTimeoutMs,
    openDelegate,
    onClosed(connection, code) {
      sweep.delete(connection);
      connections.delete(connection);
      connectionsByAddress.remove(connection.clientIp);
      logger.info(
        { ...connection.logFields, code, durationMs: Math.round(connection.ageMs) },
        "websocket closed",
      );
    },
  };
  const sweep = new ConnectionSweep(sweepPeriodMs(config));
  const connections = new Set<SocketConnection>();
  const endedLogins = closeSocketsOfEndedLogins(deps, connections);
  if (metrics) {
    connectionOptions.wire.onFrameWritten = metrics.frameWritten;
    metrics.watchServer({
      openSockets: () => wss.clients.size,
      liveStreams: () => deps.live.streams.stats().readers,
      accountHubs: () => deps.live.streams.stats().accounts,
    });
  }
  const serveMetricsWithToken = createTokenMetricsHandler(metrics, config.metrics.token);
  const metricsListener =
    metrics && config.metrics.port !== null ? createMetricsListener(metrics, logger) : null;
  let metricsPort: number | null = null;

  let connectionCounter = 0;
  /** Each accepted upgrade's request id, for its 101 response. */
  const upgradeRequestIds = new WeakMap<IncomingMessage, string>();
  wss.on("headers", (headers, req) => {
    const requestId = upgradeRequestIds.get(req);
    if (requestId) headers.push(`${REQUEST_ID_HEADER}: ${requestId}`);
  });
  wss.on("connection", (socket, upgrade: TUpgradeFacts) => {
    const logFields = {
      connectionId: ++connectionCounter,
      requestId: upgrade.requestId,
      ip: upgrade.clientIp,
    };
    logger.info(logFields, "websocket connected");
    connectionsByAddress.add(upgrade.clientIp);
    const connection = new SocketConnection(socket, { ...upgrade, logFields }, connectionOptions);
    sweep.add(connection);
    connections.add(connection);
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse, log: Logger) {
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
      if (isProbe) log.debug(line, "request");
      else log.info(line, "request");
    });
    // Tell keep-alive clients to go once this response is done, so shutdown can finish.
    if (isClosing) res.setHeader("Connection", "close");
    setSecurityHeaders(req, res);

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
    if (pathname === METRICS_PATH) return serveMetricsWithToken(req, res);
    if (pathname.startsWith(`${TRPC_PATH}/`)) {
      if (!isHttpCallAllowed(req, config.appOrigins)) return sendPlain(res, 403, "Origin not allowed");
      // Answers carry account data: no browser or proxy cache may keep them.
      res.setHeader("Cache-Control", "no-store");
      return trpcHttpHandler(req, res);
    }
    if (await handleSso(req, res, pathname)) return;
    if ((req.method === "GET" || req.method === "HEAD") && serveStaticWeb(req, res, pathname)) return;
    sendPlain(res, 404, "Not found");
  }

  const server = createServer((req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const log = logger.child({ requestId });
    requestLoggers.set(req, log);
    handleRequest(req, res, log).catch((error: unknown) => {
      log.error({ err: error, method: req.method, url: req.url }, "request failed");
      if (!res.headersSent) sendPlain(res, 500, "Internal server error");
      else res.destroy();
    });
  });

  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Its own queue of connections waiting to be accepted: Node accepts one connection per listener
  // per turn of the event loop, so thousands of sockets reconnecting here after a restart no longer
  // queue ahead of a request on the main port. What it accepts, the same server serves.
  const streamListener =
    config.streamPort === null ? null : createNetServer((socket) => server.emit("connection", socket));
  let streamPort: number | null = null;

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
    // Completed a few milliseconds' worth per turn, with the stream's other work (@handoff/live's scheduler):
    // a reconnect storm of thousands of sockets holds no request up for long. The address is checked
    // again then: those queued meanwhile count once accepted.
    deps.live.scheduler.queueWork(() => {
      if (socket.destroyed) return;
      if (isClosing) return rejectUpgrade(socket, 503, "Service Unavailable");
      if (!connectionsByAddress.hasRoomFor(clientIp)) return rejectUpgrade(socket, 429, "Too Many Requests");
      const upgrade: TUpgradeFacts = {
        authToken: authTokenFromRequest(req),
        usesConnectionParams: url.searchParams.get("connectionParams") === "1",
        clientIp,
        deviceToken: deviceTokenFromRequest(req),
        requestId: requestIdOf(req),
      };
      upgradeRequestIds.set(req, upgrade.requestId);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, upgrade));
    });
  });

  server.on("clientError", (error, socket) => {
    logger.debug({ err: error }, "malformed HTTP request");
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });

  async function shutdown() {
    isClosing = true;
    endedLogins.stop();
    const isServerClosed = Promise.all([
      new Promise<void>((resolve) => server.close(() => resolve())),
      streamListener && new Promise<void>((resolve) => streamListener.close(() => resolve())),
    ]);
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
    if (metricsListener?.listening) await new Promise((resolve) => metricsListener.close(resolve));
    logger.info("server closed");
  }

  return {
    async listen() {
      boundPort = await listenOn(server, { port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
      if (streamListener) {
        streamPort = await listenOn(streamListener, {
          port: config.streamPort ?? 0,
          host: config.host,
          backlog: LISTEN_BACKLOG,
        });
      }
      if (metricsListener) {
        metricsPort = await listenOn(metricsListener, {
          port: config.metrics.port ?? 0,
          host: config.metrics.host,
        });
      }
      return formatUrl(config.host, boundPort);
    },
    get metricsUrl() {
      return metricsPort === null ? null : `${formatUrl(config.metrics.host, metricsPort)}${METRICS_PATH}`;
    },
    get streamUrl() {
      return streamPort === null ? null : formatUrl(config.host, streamPort);
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
