// Wires the API's dependencies from config: the mailer (Resend or log-only), the notifier and the
// login protection. Shared by main.ts and the test harness so both run the same wiring.
import { randomBytes } from "node:crypto";
import {
  type ApiDeps,
  createLoginProtection,
  createLoginWatcher,
  createLogMailer,
  createNotifier,
  createResendMailer,
  createStreamAdmission,
  createStreamHub,
  type Mailer,
  type TEscalationBusMessage,
} from "@handoff/api";
import type { EscalationBus } from "@handoff/bus";
import type { PrismaClient } from "@handoff/db";
import { Redis } from "ioredis";
import type { TAppConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

export type TApiDepsConfig = Pick<
  TAppConfig,
  | "email"
  | "appOrigin"
  | "authSessionTtlMs"
  | "authRecheckMs"
  | "loginProtection"
  | "streamBufferSize"
  | "streamLogCheckMs"
  | "streamHistorySize"
  | "streamLimits"
>;

export type TNotifyRetry = NonNullable<Parameters<typeof createNotifier>[0]["retry"]>;

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
  bus: EscalationBus<TEscalationBusMessage>;
  logger: Logger;
  mailer?: Mailer;
  notifyRetry?: TNotifyRetry;
  /** From createLoginStore(); without it login counters are per process. */
  loginStore?: Redis | null;
}): ApiDeps {
  const { config, prisma, bus, logger } = options;
  const mailer = options.mailer ?? createMailer(config.email, logger);
  const streamDeps = {
    prisma,
    bus,
    logger,
    streamLogCheckMs: config.streamLogCheckMs,
    streamBufferSize: config.streamBufferSize ?? undefined,
    streamHistorySize: config.streamHistorySize,
  };
  return {
    ...streamDeps,
    notifier: createNotifier({
      prisma,
      mailer,
      logger,
      appOrigin: config.appOrigin,
      retry: options.notifyRetry,
    }),
    loginProtection: createLoginProtection({
      ...config.loginProtection,
      deviceSecret: config.loginProtection.deviceSecret ?? randomBytes(32).toString("hex"),
      redis: options.loginStore ?? undefined,
    }),
    authSessionTtlMs: config.authSessionTtlMs,
    streams: createStreamHub(streamDeps),
    logins: createLoginWatcher({ prisma, logger, intervalMs: config.authRecheckMs }),
    streamAdmission: createStreamAdmission(config.streamLimits, logger),
  };
}
