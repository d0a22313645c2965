// Wires the API's dependencies from config: the mailer (Resend or log-only), the Web Push sender,
// the assistant (language model or rules), the job worker with its handlers, and the sign-in and
// password reset throttles. Shared by main.ts and the test harness so both run the same wiring.
// The worker is returned stopped: whoever runs the server starts it.
import { randomBytes } from "node:crypto";
import type { Agent } from "node:https";
import {
  type ApiDeps,
  type Clock,
  createAssistantJobHandlers,
  createConnectionLogins,
  createEmailJobHandlers,
  createGuardedFetch,
  createIssuerFetch,
  createJobWorker,
  createLanguageModelClient,
  createLoginProtection,
  createLoginWatcher,
  createLogMailer,
  createPasswordResetJobHandlers,
  createPasswordResetThrottle,
  createPolicyJobHandlers,
  createPsaNoteJobHandlers,
  createPushJobHandlers,
  createResendMailer,
  createRetentionJobHandlers,
  createSecondFactorGuard,
  createSecretBox,
  createSetupThrottle,
  createTokenUses,
  createWebhookJobHandlers,
  createWebPushSender,
  DEFAULT_SECOND_FACTOR_GUARD,
  type Mailer,
  systemClock,
  type TApiMetrics,
  type TBusMessage,
  type TEmailJobRetry,
  vapidKeysFrom,
} from "@handoff/api";
import type { Bus } from "@handoff/bus";
import type { DatabaseKind, PrismaClient } from "@handoff/db";
import { createLive, FanOutScheduler, type Live } from "@handoff/live";
import { Redis } from "ioredis";
import type { TAppConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

export type TApiDepsConfig = Pick<
  TAppConfig,
  | "email"
  | "push"
  | "psa"
  | "webhooks"
  | "sso"
  | "jobs"
  | "ai"
  | "appOrigin"
  | "authSessionTtlMs"
  | "authRecheckMs"
  | "loginProtection"
  | "passwordReset"
  | "streamBufferSize"
  | "streamLogCheckMs"
  | "streamHistorySize"
  | "streamLimits"
  | "presenceHeartbeatMs"
  | "retention"
>;

/** How long one request to an identity provider may take (a person is waiting in the browser). */
const SSO_TIMEOUT_MS = 10_000;

/** Resend when an API key is configured; otherwise delivery is only logged (and recorded as skipped). */
export function createMailer(email: TAppConfig["email"], logger: Logger): Mailer {
  if (!email.resendApiKey) return createLogMailer(logger);
  return createResendMailer({
    apiKey: email.resendApiKey,
    baseUrl: email.resendBaseUrl ?? undefined,
    from: email.from,
  });
}

/**
 * The Redis connection login counters share across replicas (with `REDIS_URL`). Commands fail at
 * once while it is down, and the counters fall back to this process's memory meanwhile.
 */
export function createLoginStore(redisUrl: string | null, logger: Logger): Redis | null {
  if (!redisUrl) return null;
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on("error", (error) => logger.debug({ err: error }, "login counter store error"));
  return redis;
}

/** The API's dependencies as the server holds them: the live stream's whole handle, not only the API's port. */
export type TServerDeps = ApiDeps & { live: Live };

export function createApiDeps(options: {
  config: TApiDepsConfig;
  prisma: PrismaClient;
  /** PostgreSQL vacuums itself; the embedded database is vacuumed by the retention job. */
  databaseKind: DatabaseKind;
  bus: Bus<TBusMessage>;
  logger: Logger;
  mailer?: Mailer;
  emailRetry?: TEmailJobRetry;
  /** Web Push in tests: the local push service's TLS agent, and how often a push is tried. */
  push?: { agent?: Agent; retry?: { attempts: number } };
  /** How often a PSA note is tried before it is shown as failed (tests). */
  psaRetry?: { attempts: number };
  /** How often a webhook delivery is tried before it is shown as failed (tests). */
  webhookRetry?: { attempts: number };
  /** From createLoginStore(); without it the sign-in and password reset counters are per process. */
  loginStore?: Redis | null;
  /** Tests move time with a manual clock; the job worker then runs timers by it too. */
  clock?: Clock;
  /** Counts for /metrics (ServerMetrics.api). */
  metrics?: TApiMetrics;
}): TServerDeps {
  const { config, prisma, bus, logger } = options;
  const clock = options.clock ?? systemClock;
  const mailer = options.mailer ?? createMailer(config.email, logger);
  /** One per process: the account hubs, socket accepts and requests share its turns (@handoff/live). */
  const scheduler = new FanOutScheduler();
  const webPush = createWebPushSender({
    keys: vapidKeysFrom(prisma, config.push.vapidKeys),
    subject: config.push.subject,
    allowedHosts: config.push.allowedHosts ?? undefined,
    agent: options.push?.agent,
  });
  const secrets = config.psa.secretsKey ? createSecretBox(config.psa.secretsKey) : null;
  const psa = {
    secrets,
    http: {
      fetch: createGuardedFetch({ allowPrivateHosts: config.psa.allowPrivateHosts }),
      timeoutMs: config.psa.timeoutMs,
    },
  };
  const webhooks = {
    secrets,
    http: {
      fetch: createGuardedFetch({ allowPrivateHosts: config.webhooks.allowPrivateHosts }),
      ...config.webhooks,
    },
  };
  const assistant = {
    model: config.ai.model ? createLanguageModelClient(config.ai.model) : null,
    isAssessing: config.ai.isAssessing,
  };
  const jobs = createJobWorker({
    prisma,
    logger,
    pollIntervalMs: config.jobs.pollIntervalMs,
    leaseMs: config.jobs.leaseMs,
    backoff: config.jobs.backoff,
    // Production: due times by the database's clock, the same for every replica.
    clock: options.clock,
    deferKick: (kick) => scheduler.afterFanOut(kick),
    metrics: options.metrics,
    handlers: {
      ...createEmailJobHandlers({
        prisma,
        mailer,
        appOrigin: config.appOrigin,
        retry: options.emailRetry,
        clock,
      }),
      ...createPasswordResetJobHandlers({
        prisma,
        mailer,
        appOrigin: config.appOrigin,
        clock,
        retry: options.emailRetry,
      }),
      ...createPushJobHandlers({ prisma, sender: webPush, retry: options.push?.retry }),
      ...createPsaNoteJobHandlers({ prisma, psa, appOrigin: config.appOrigin, retry: options.psaRetry }),
      ...createWebhookJobHandlers({
        prisma,
        webhooks,
        appOrigin: config.appOrigin,
        retry: options.webhookRetry,
      }),
      ...createAssistantJobHandlers({ prisma, bus, logger, assistant }),
      ...createPolicyJobHandlers({ prisma, clock, isEmailDelivered: mailer.kind !== "log" }),
      ...createRetentionJobHandlers({
        prisma,
        clock,
        logger,
        windows: config.retention,
        vacuumer: options.databaseKind === "postgres" ? "autovacuum" : "none",
      }),
    },
  });
  const connectionLogins = createConnectionLogins(prisma, config.authRecheckMs);
  const logins = createLoginWatcher({ prisma, logger, intervalMs: config.authRecheckMs });
  const tokenUses = createTokenUses({ prisma, logger });
  return {
    prisma,
    bus,
    logger,
    appOrigin: config.appOrigin,
    isEmailDelivered: mailer.kind !== "log",
    clock,
    jobs,
    assistant,
    webPush,
    psa,
    webhooks,
    sso: {
      secrets,
      http: {
        fetch: createIssuerFetch({ allowLocalIssuers: config.sso.allowLocalIssuers }),
        timeoutMs: SSO_TIMEOUT_MS,
        allowLocalIssuers: config.sso.allowLocalIssuers,
      },
    },
    loginProtection: createLoginProtection({
      ...config.loginProtection,
      deviceSecret: config.loginProtection.deviceSecret ?? randomBytes(32).toString("hex"),
      redis: options.loginStore ?? undefined,
    }),
    passwordResetThrottle: createPasswordResetThrottle({
      ...config.passwordReset,
      redis: options.loginStore ?? undefined,
    }),
    setupThrottle: createSetupThrottle(),
    secrets,
    secondFactorGuard: createSecondFactorGuard({
      ...DEFAULT_SECOND_FACTOR_GUARD,
      redis: options.loginStore ?? undefined,
    }),
    authSessionTtlMs: config.authSessionTtlMs,
    connectionLogins,
    logins,
    tokenUses,
    live: createLive({
      prisma,
      bus,
      logger,
      scheduler,
      connectionLogins,
      logins,
      streamLogCheckMs: config.streamLogCheckMs,
      streamBufferSize: config.streamBufferSize ?? undefined,
      streamHistorySize: config.streamHistorySize,
      streamLimits: config.streamLimits,
      presenceHeartbeatMs: config.presenceHeartbeatMs,
    }),
    metrics: options.metrics,
  };
}
