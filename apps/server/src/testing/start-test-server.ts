// A real app server on an ephemeral loopback port, wired like main.ts but around a database the
// test owns. stop()/start() (or restart()) reopen it on the same port, to test reconnects.
import { once } from "node:events";
import type { Agent } from "node:https";
import {
  type Clock,
  type Mailer,
  parseEscalationBusMessage,
  type TBusMessage,
  type TEmailJobRetry,
} from "@handoff/api";
import { type Bus, createMemoryBus } from "@handoff/bus";
import type { Database } from "@handoff/db";
import { createApiDeps, createLoginStore, type TServerDeps } from "../app-deps.ts";
import { loadConfig, type TAppConfig, type TLogLevel } from "../config.ts";
import { type AppServer, createAppServer } from "../create-app-server.ts";
import { createLogger, type Logger } from "../logger.ts";
import { type ServerMetrics, serverMetricsFor } from "../metrics/server-metrics.ts";

/**
 * Config for tests that assert exact event sequences where the assessment is not the point: an
 * escalation's `handoff.assessed` is appended by a job a moment later, at a seq no test can predict.
 * Assessments have their own tests (test/assistant.integration.test.ts).
 */
export const WITHOUT_ASSESSMENTS = { ai: { model: null, isAssessing: false } } satisfies Partial<TAppConfig>;

/** The browser origin test servers accept and put in email links. */
export const TEST_APP_ORIGIN = "http://handoff.test";

export type StartTestServerOptions = Partial<TAppConfig> & {
  /** Owned by the test: close() leaves it open. Anything with a Prisma client (e.g. createTestDatabase). */
  database: Pick<Database, "prisma" | "kind" | "ping" | "poolStats">;
  /** Defaults to a fresh memory bus, which close() also closes. A bus you pass stays open. */
  bus?: Bus<TBusMessage>;
  /** Sends email through the real Resend SDK to `baseUrl` (a stand-in the test runs). */
  resend?: { baseUrl: string; apiKey?: string; retry?: TEmailJobRetry };
  /**
   * Web Push to a local push service: its host (allowed as a push service), a TLS agent trusting
   * its certificate, and tries per push.
   */
  pushService?: { host: string; agent: Agent; retry?: { attempts: number } };
  /** How often a PSA note is tried before it is shown as failed. */
  psaRetry?: { attempts: number };
  /** How often a webhook delivery is tried before it is shown as failed. */
  webhookRetry?: { attempts: number };
  /** Any other mailer; without this or `resend`, email is only logged (notifications SKIPPED). */
  mailer?: Mailer;
  /** "silent" unless you are debugging a test. */
  logLevel?: TLogLevel;
  /**
   * The metrics to serve, for a test that wired them into its database too (onQuery); else made
   * here when `metrics` (the config) lets someone read them.
   */
  serverMetrics?: ServerMetrics;
  /** Any logger instead (e.g. createLogCapture().logger); `logLevel` is then ignored. */
  logger?: Logger;
  /**
   * The time services and the job worker read (createManualClock() from @handoff/api): move it
   * and call `deps.jobs.drain()` to run the timers that came due, without waiting.
   */
  clock?: Clock;
};

export type TestServer = {
  /** e.g. http://127.0.0.1:40123; the same across stop()/start(). */
  readonly url: string;
  /** e.g. ws://127.0.0.1:40123/trpc */
  readonly wsUrl: string;
  /** The same on the second port, with STREAM_PORT (`streamPort`, 0 for any) set; else null. */
  readonly streamWsUrl: string | null;
  readonly port: number;
  /** The separate metrics listener's URL, with METRICS_PORT (`metrics.port`, 0 for any) set. */
  readonly metricsUrl: string | null;
  readonly config: TAppConfig;
  readonly deps: TServerDeps;
  readonly bus: Bus<TBusMessage>;
  /** Graceful stop (as on SIGTERM): WebSocket clients are told to reconnect and start retrying. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same deps. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Closes its test clients and the server, stops its job worker, closes an owned bus. */
  close(): Promise<void>;
  /** Test clients register here so close() ends them (and their reconnect loops) too. Returns an unregister. */
  onClose(callback: () => Promise<void>): () => void;
};

export async function startTestServer(options: StartTestServerOptions): Promise<TestServer> {
  const {
    database,
    bus: givenBus,
    resend,
    pushService,
    mailer,
    psaRetry,
    webhookRetry,
    logLevel,
    logger: givenLogger,
    clock,
    serverMetrics,
    ...overrides
  } = options;
  const config: TAppConfig = {
    ...loadConfig({}),
    host: "127.0.0.1",
    port: 0,
    appOrigins: [TEST_APP_ORIGIN],
    appOrigin: TEST_APP_ORIGIN,
    // Every test signs in from 127.0.0.1; login protection has its own tests with their own limits.
    loginProtection: {
      freeFailures: 10_000,
      maxDelayMs: 1_000,
      addressFailures: 1_000_000,
      windowMs: 60_000,
      deviceSecret: "test-device-secret-shared-by-test-replicas",
    },
    shutdownGraceMs: 2_000,
    jobs: { pollIntervalMs: 100, leaseMs: 30_000, backoff: { baseDelayMs: 10, maxDelayMs: 60_000 } },
    ...overrides,
  };
  if (resend) {
    config.email = {
      ...config.email,
      resendApiKey: resend.apiKey ?? "re_test_key",
      resendBaseUrl: resend.baseUrl,
    };
  }
  if (pushService) config.push = { ...config.push, allowedHosts: [pushService.host] };
  const logger = givenLogger ?? createLogger(logLevel ?? "silent");
  const bus =
    givenBus ??
    createMemoryBus({
      parse: parseEscalationBusMessage,
      onError: (error) => logger.warn({ err: error }, "bus error"),
    });
  // With `redisUrl` login counters live in Redis, shared with other test servers using it.
  const loginStore = createLoginStore(config.redisUrl, logger);
  // As main.ts, but the test owns the database: SQL statement times come only with serverMetrics.
  const metrics = serverMetrics ?? serverMetricsFor(config) ?? undefined;
  metrics?.watchJobQueue(database.prisma);
  metrics?.watchDatabasePool(database);
  const deps = createApiDeps({
    metrics: metrics?.api,
    config,
    prisma: database.prisma,
    databaseKind: database.kind,
    bus,
    logger,
    mailer,
    emailRetry: resend?.retry,
    psaRetry,
    webhookRetry,
    push: pushService,
    loginStore,
    clock,
  });
  if (loginStore && loginStore.status !== "ready") await once(loginStore, "ready");
  deps.jobs.start();
  const closeCallbacks = new Set<() => Promise<void>>();

  let appServer: AppServer = createAppServer({ config, deps, database, logger, metrics });
  await appServer.listen();
  const { port, url, streamUrl } = appServer;
  const streamPort = streamUrl === null ? null : Number(new URL(streamUrl).port);
  const toWsUrl = (baseUrl: string) => `${baseUrl.replace(/^http/, "ws")}/trpc`;

  async function stop() {
    await appServer.close();
  }
  async function start() {
    const samePorts = { ...config, port, streamPort };
    appServer = createAppServer({ config: samePorts, deps, database, logger, metrics });
    await appServer.listen();
  }
  let closed: Promise<void> | null = null;
  async function close() {
    await Promise.all([...closeCallbacks].map((callback) => callback()));
    await appServer.close();
    await deps.jobs.stop();
    if (!givenBus) await bus.close();
    loginStore?.disconnect();
  }

  return {
    url,
    wsUrl: toWsUrl(url),
    streamWsUrl: streamUrl === null ? null : toWsUrl(streamUrl),
    port,
    get metricsUrl() {
      return appServer.metricsUrl;
    },
    config,
    deps,
    bus,
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    close() {
      closed ??= close();
      return closed;
    },
    onClose(callback) {
      closeCallbacks.add(callback);
      return () => closeCallbacks.delete(callback);
    },
  };
}
