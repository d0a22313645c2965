// Wires the API's dependencies from config: the mailer (Resend or log-only), the Web Push sender,
// the assistant (language model or rules),
// the job worker with its handlers, and the login protection. Shared by main.ts and the test harness so both run the
// same wiring. The worker is returned stopped: whoever runs the server starts it.
import { randomBytes } from "node:crypto";
import type { Agent } from "node:https";
import {
  type ApiDeps,
  afterFanOut,
  type Clock,
  createAssistantJobHandlers,
  createConnectionLogins,
  createEmailJobHandlers,
  createJobWorker,
  createLanguageModelClient,
  createLoginProtection,
  createLoginWatcher,
  createLogMailer,
  createPolicyJobHandlers,
  createPresenceHub,
  createPsaNoteJobHandlers,
  createPushJobHandlers,
  createResendMailer,
  createSecretBox,
  createStreamAdmission,
  createStreamHub,
  createWebPushSender,
  type Mailer,
  systemClock,
  type TBusMessage,
  type TEmailJobRetry,
  vapidKeysFrom,
} from "@handoff/api";
import type { EscalationBus } from "@handoff/bus";
import type { PrismaClient } from "@handoff/db";
import { Redis } from "ioredis";
import type { TAppConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

export type TApiDepsConfig = Pick<
  TAppConfig,
  | "email"
  | "push"
  | "psa"
  | "jobs"
  | "ai"
  | "appOrigin"
  | "authSessionTtlMs"
  | "authRecheckMs"
  | "loginProtection"
  | "streamBufferSize"
  | "streamLogCheckMs"
  | "streamHistorySize"
  | "streamLimits"
  | "presenceHeartbeatMs"
>;

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

export function createApiDeps(options: {
  config: TApiDepsConfig;
  prisma: PrismaClient;
  bus: EscalationBus<TBusMessage>;
  logger: Logger;
  mailer?: Mailer;
  emailRetry?: TEmailJobRetry;
  /** Web Push in tests: the local push service's TLS agent, and how often a push is tried. */
  push?: { agent?: Agent; retry?: { attempts: number } };
  /** How often a PSA note is tried before it is shown as failed (tests). */
  psaRetry?: { attempts: number };
  /** From createLoginStore(); without it login counters are per process. */
  loginStore?: Redis | null;
  /** Tests move time with a manual clock; the job worker then runs timers by it too. */
  clock?: Clock;
}): ApiDeps {
  const { config, prisma, bus, logger } = options;
  const clock = options.clock ?? systemClock;
  const mailer = options.mailer ?? createMailer(config.email, logger);
  const streamDeps = {
    prisma,
    bus,
    logger,
    streamLogCheckMs: config.streamLogCheckMs,
    streamBufferSize: config.streamBufferSize ?? undefined,
    streamHistorySize: config.streamHistorySize,
  };
  const webPush = createWebPushSender({
    keys: vapidKeysFrom(prisma, config.push.vapidKeys),
    subject: config.push.subject,
    allowedHosts: config.push.allowedHosts ?? undefined,
    agent: options.push?.agent,
  });
  const psa = {
    secrets: config.psa.secretsKey ? createSecretBox(config.psa.secretsKey) : null,
    http: {
      fetch: globalThis.fetch,
      timeoutMs: config.psa.timeoutMs,
      allowPrivateHosts: config.psa.allowPrivateHosts,
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
    deferKick: afterFanOut,
    handlers: {
      ...createEmailJobHandlers({
        prisma,
        mailer,
        appOrigin: config.appOrigin,
        retry: options.emailRetry,
        clock,
      }),
      ...createPushJobHandlers({ prisma, sender: webPush, retry: options.push?.retry }),
      ...createPsaNoteJobHandlers({ prisma, psa, appOrigin: config.appOrigin, retry: options.psaRetry }),
      ...createAssistantJobHandlers({ prisma, bus, logger, assistant }),
      ...createPolicyJobHandlers({ prisma, clock, isEmailDelivered: mailer.kind !== "log" }),
    },
  });
  return {
    ...streamDeps,
    appOrigin: config.appOrigin,
    clock,
    jobs,
    assistant,
    webPush,
    psa,
    loginProtection: createLoginProtection({
      ...config.loginProtection,
      deviceSecret: config.loginProtection.deviceSecret ?? randomBytes(32).toString("hex"),
      redis: options.loginStore ?? undefined,
    }),
    authSessionTtlMs: config.authSessionTtlMs,
    streams: createStreamHub(streamDeps),
    presence: createPresenceHub({ bus, logger, heartbeatMs: config.presenceHeartbeatMs }),
    connectionLogins: createConnectionLogins(prisma, config.authRecheckMs),
    logins: createLoginWatcher({ prisma, logger, intervalMs: config.authRecheckMs }),
    streamAdmission: createStreamAdmission(config.streamLimits, logger),
  };
}
