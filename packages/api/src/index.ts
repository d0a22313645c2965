// Public surface of @handoff/api: the router and its types, the context, and the pieces
// the server wires together (mailers, job worker and handlers, login protection).
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export { type ApiDeps, type Context, createContext, type TransportInfo } from "./context.ts";
export type { TApiMetrics } from "./domain/api-metrics.ts";
export { AppError } from "./domain/app-error.ts";
export {
  isEscalationEvent,
  isPresenceMessage,
  type TBusMessage,
  type TEscalationBusMessage,
  type TEventBody,
  type TPresenceBusMessage,
} from "./domain/bus-message.ts";
export { type Clock, createManualClock, type ManualClock, systemClock } from "./domain/clock.ts";
export type { Logger } from "./domain/logger.ts";
export { PAYLOAD_VERSION, parseEscalationBusMessage } from "./domain/payload-contracts.ts";
export { hasRoleAtLeast } from "./domain/roles.ts";
export type {
  PresenceHub,
  TEscalationRequest,
  TEscalationSource,
  TLive,
  TLiveStreamHolder,
  TLiveStreamSlot,
  TSocketStreams,
} from "./live-port.ts";
export { type AppRouter, appRouter } from "./root.ts";
export * from "./schemas/index.ts";
export { keepDatabaseTidy, type TVacuumer } from "./services/admin/database-upkeep.ts";
export {
  createRetentionJobHandlers,
  scheduleRetention,
  type TRetentionWindows,
} from "./services/admin/retention-jobs.ts";
export { createAssistantJobHandlers } from "./services/assistant/assistant-jobs.ts";
export {
  AI_PROVIDERS,
  createLanguageModelClient,
  type LanguageModelClient,
  type TAiProvider,
  type TAssistant,
  type TLanguageModelConfig,
} from "./services/assistant/language-model.ts";
export { recordAudit, type TAuditRecord, type TAuditSource } from "./services/audit/record-audit.ts";
export { createTokenUses, type TokenUses } from "./services/auth/api-tokens/token-uses.ts";
export {
  type ConnectionLogins,
  createConnectionLogins,
  hashToken,
  SESSION_ENDED_MESSAGE,
  type TAuthedViewer,
} from "./services/auth/auth-service.ts";
export {
  createLoginProtection,
  type LoginProtection,
  type TLoginProtectionOptions,
} from "./services/auth/login-protection.ts";
export { followLoginRevocations, LOGINS_CHANNEL } from "./services/auth/login-revocations.ts";
export { createLoginWatcher, type LoginWatcher, type TLoginWatch } from "./services/auth/login-watch.ts";
export { createPasswordResetJobHandlers } from "./services/auth/passwords/reset-email-job.ts";
export {
  createPasswordResetThrottle,
  type PasswordResetThrottle,
  type TPasswordResetLimits,
} from "./services/auth/passwords/reset-throttle.ts";
export { createFirstOwner, isSetupNeeded } from "./services/auth/setup/first-owner.ts";
export { issueSetupCode } from "./services/auth/setup/setup-code.ts";
export { createSetupThrottle, type SetupThrottle } from "./services/auth/setup/setup-throttle.ts";
export { createIssuerFetch, SsoRefusedError } from "./services/auth/sso/oidc-client.ts";
export { SSO_CALLBACK_PATH, SSO_START_PATH, type SsoDeps } from "./services/auth/sso/sso-deps.ts";
export { beginSsoSignIn, finishSsoSignIn } from "./services/auth/sso/sso-sign-in.ts";
export {
  createSecondFactorGuard,
  DEFAULT_SECOND_FACTOR_GUARD,
  type SecondFactorGuard,
  type TSecondFactorGuardOptions,
} from "./services/auth/two-factor/second-factor-guard.ts";
export { seedDemoHandoffs } from "./services/handoffs/demo-handoffs.ts";
export {
  appendEscalationEvents,
  readEscalationEvents,
  readLatestEscalationEvents,
} from "./services/handoffs/event-log.ts";
export { createHandoff } from "./services/handoffs/handoff-service.ts";
export {
  createJobWorker,
  type JobWorker,
  type TJobHandlers,
  type TJobWorkerOptions,
} from "./services/jobs/job-worker.ts";
export { createEmailJobHandlers, type TEmailJobRetry } from "./services/notifications/email-jobs.ts";
export {
  createLogMailer,
  createResendMailer,
  type Mailer,
  type TEmail,
  type TSendResult,
} from "./services/notifications/mailer.ts";
export {
  createPushJobHandlers,
  enqueuePushToUsers,
  type TPushMessage,
  type TPushRequest,
  type TPushWireMessage,
} from "./services/notifications/push-jobs.ts";
export {
  createWebPushSender,
  type TVapidKeys,
  vapidKeysFrom,
  type WebPushSender,
} from "./services/notifications/web-push-sender.ts";
export { createGuardedFetch } from "./services/outbound/guarded-fetch.ts";
export { createPolicyJobHandlers } from "./services/policy/policy-timers.ts";
export {
  checkPsaSecrets,
  type PsaDeps,
} from "./services/psa/psa-connection.ts";
export { createPsaNoteJobHandlers } from "./services/psa/psa-notes.ts";
export { createSecretBox, parseSecretsKey, type SecretBox } from "./services/psa/secret-box.ts";
export { sessionListSql } from "./services/sessions/session-list.ts";
export { createWebhookJobHandlers, type WebhookDeps } from "./services/webhooks/webhook-delivery.ts";
export * from "./shared/api-token-options.ts";
export * from "./shared/audit-actions.ts";
export * from "./shared/batching.ts";
export * from "./shared/constants.ts";
export * from "./shared/event-id.ts";
export * from "./shared/relative-time.ts";
export * from "./shared/sla.ts";
export * from "./shared/sso-refusals.ts";
export { createCallerFactory, toTRPCError } from "./trpc.ts";

/** The session cookie's name; the server reads and writes it. */
export const AUTH_COOKIE_NAME = "handoff_session";
/** The known-device cookie's name (see services/auth/login-protection.ts). */
export const DEVICE_COOKIE_NAME = "handoff_device";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
