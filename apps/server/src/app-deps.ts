// Wires the API's dependencies from config: the mailer (Resend or log-only), the notifier and the
// login limiter. Shared by main.ts and the test harness so both run the same wiring.
import {
  type ApiDeps,
  createLoginWatcher,
  createLogMailer,
  createNotifier,
  createRateLimiter,
  createResendMailer,
  createStreamAdmission,
  createStreamHub,
  type Mailer,
  type TEscalationBusMessage,
} from "@handoff/api";
import type { EscalationBus } from "@handoff/bus";
import type { PrismaClient } from "@handoff/db";
import type { TAppConfig } from "./config.ts";
import type { Logger } from "./logger.ts";

export type TApiDepsConfig = Pick<
  TAppConfig,
  | "email"
  | "appOrigin"
  | "authSessionTtlMs"
  | "authRecheckMs"
  | "loginRateLimit"
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

export function createApiDeps(options: {
  config: TApiDepsConfig;
  prisma: PrismaClient;
  bus: EscalationBus<TEscalationBusMessage>;
  logger: Logger;
  mailer?: Mailer;
  notifyRetry?: TNotifyRetry;
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
    loginLimiter: createRateLimiter(config.loginRateLimit),
    authSessionTtlMs: config.authSessionTtlMs,
    streams: createStreamHub(streamDeps),
    logins: createLoginWatcher({ prisma, logger, intervalMs: config.authRecheckMs }),
    streamAdmission: createStreamAdmission(config.streamLimits, logger),
  };
}
