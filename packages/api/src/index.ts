// Public surface of @handoff/api: the router and its types, the context, and the pieces
// the server wires together (mailers, job worker and handlers, login protection).
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export { type ApiDeps, type Context, createContext, type Logger, type TransportInfo } from "./context.ts";
export { AppError } from "./domain/app-error.ts";
export type {
  TBusMessage,
  TEscalationBusMessage,
  TEventBody,
  TPresenceBusMessage,
} from "./domain/bus-message.ts";
export { type Clock, createManualClock, type ManualClock, systemClock } from "./domain/clock.ts";
export { parseEscalationBusMessage } from "./domain/payload-contracts.ts";
export { type AppRouter, appRouter } from "./root.ts";
export * from "./schemas/index.ts";
export {
  createAssistantJobHandlers,
  type TAssistant,
} from "./services/assistant/assistant-jobs.ts";
export {
  AI_PROVIDERS,
  createLanguageModelClient,
  type LanguageModelClient,
  type TAiProvider,
  type TLanguageModelConfig,
} from "./services/assistant/language-model.ts";
export {
  type ConnectionLogins,
  createConnectionLogins,
  SESSION_ENDED_MESSAGE,
} from "./services/auth-service.ts";
export { seedDemoHandoffs } from "./services/demo-handoffs.ts";
export {
  createJobWorker,
  type JobWorker,
  type TJobHandlers,
  type TJobWorkerOptions,
} from "./services/jobs/job-worker.ts";
export {
  createLoginProtection,
  type LoginProtection,
  type TLoginProtectionOptions,
} from "./services/login-protection.ts";
export { createLoginWatcher, type LoginWatcher } from "./services/login-watch.ts";
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
export { createPolicyJobHandlers } from "./services/policy/policy-timers.ts";
export { createPresenceHub, type PresenceHub } from "./services/presence/presence-hub.ts";
export {
  checkPsaSecrets,
  type PsaDeps,
} from "./services/psa/psa-connection.ts";
export { createPsaNoteJobHandlers } from "./services/psa/psa-notes.ts";
export { createSecretBox, parseSecretsKey, type SecretBox } from "./services/psa/secret-box.ts";
export { sessionListSql } from "./services/session-list.ts";
export {
  startEscalationStream,
  type TEscalationStreamRequest,
} from "./services/stream/escalation-stream.ts";
export { afterFanOut, queueStreamWork } from "./services/stream/fan-out-queue.ts";
export {
  createStreamAdmission,
  type StreamAdmission,
  type TSocketStreams,
  type TStreamLimits,
} from "./services/stream/stream-admission.ts";
export {
  createStreamHub,
  type StreamHub,
  type TFollowing,
  type TStreamItem,
} from "./services/stream/stream-hub.ts";
export { createCallerFactory, toTRPCError } from "./trpc.ts";

/** The session cookie's name; the server reads and writes it. */
export const AUTH_COOKIE_NAME = "handoff_session";
/** The known-device cookie's name (see services/login-protection.ts). */
export const DEVICE_COOKIE_NAME = "handoff_device";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
