// What every procedure can reach: the app's dependencies (owned by the server that runs us)
// and what the transport learned about the caller. The API knows no transport.
import type { EscalationBus } from "@handoff/bus";
import type { PrismaClient } from "@handoff/db";
import type { TBusMessage } from "./domain/bus-message.ts";
import type { Clock } from "./domain/clock.ts";
import type { TAssistant } from "./services/assistant/assistant-jobs.ts";
import type { ConnectionLogins } from "./services/auth-service.ts";
import type { JobWorker } from "./services/jobs/job-worker.ts";
import type { LoginProtection } from "./services/login-protection.ts";
import type { LoginWatcher } from "./services/login-watch.ts";
import type { WebPushSender } from "./services/notifications/web-push-sender.ts";
import type { PresenceHub } from "./services/presence/presence-hub.ts";
import type { PsaDeps } from "./services/psa/psa-connection.ts";
import type { StreamAdmission, TSocketStreams } from "./services/stream/stream-admission.ts";
import type { StreamHub } from "./services/stream/stream-hub.ts";

export type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type ApiDeps = {
  prisma: PrismaClient;
  bus: EscalationBus<TBusMessage>;
  /** Runs durable background work; services enqueue in their transaction, then kick it. */
  jobs: JobWorker;
  logger: Logger;
  /** Writes assessments and briefings (jobs): the configured language model, or rules. */
  assistant: TAssistant;
  /** The time policy timers, due times and claims read: the system clock except in tests. */
  clock: Clock;
  /** Web Push: the VAPID public key browsers subscribe with, and delivery (used by the push jobs). */
  webPush: WebPushSender;
  /** PSA connections: the box sealing their credentials (null without SECRETS_KEY) and HTTP settings. */
  psa: PsaDeps;
  /** The web app's origin: links in emails and in an invitation's answer. */
  appOrigin: string;
  loginProtection: LoginProtection;
  /** How long a login lasts. */
  authSessionTtlMs: number;
  /**
   * How often an idle stream checks the event log: a publish lost while the bus was down has
   * no later event to reveal the gap.
   */
  streamLogCheckMs: number;
  /** The bus buffer of each account hub; a hub that falls further behind resumes from the event log. */
  streamBufferSize?: number;
  /** Events per account kept in memory for clients that reconnect; older positions read the log. */
  streamHistorySize: number;
  /** Logins of WebSocket connections, looked up in batches. */
  connectionLogins: ConnectionLogins;
  /** This process's live streams: one hub per account. */
  streams: StreamHub;
  /** Who is viewing which handoff or session: this process's viewers, and the other replicas' by the bus. */
  presence: PresenceHub;
  /** Re-checks the logins of live streams, in batches. */
  logins: LoginWatcher;
  /** Caps live streams per socket and per login. */
  streamAdmission: StreamAdmission;
};

export type TransportInfo = {
  /** Session token from the cookie, or from WebSocket connectionParams for non-browser clients. */
  authToken: string | null;
  /** Used to throttle failed logins. */
  clientIp: string;
  /** The known-device token a browser kept from an earlier sign-in (a cookie), if any. */
  deviceToken: string | null;
  /** Set on a WebSocket connection: its calls look up their login in batches, with a short cache. */
  isLongLived?: boolean;
  /** The WebSocket connection's live streams; absent on HTTP. */
  socketStreams?: TSocketStreams;
  /** Sets (token) or clears (null) the session cookie; absent on WebSocket, which cannot set cookies. */
  setAuthCookie?: (cookie: { token: string; expiresAt: Date } | null) => void;
  /** Keeps a known-device token in the browser; absent on WebSocket. */
  setDeviceCookie?: (deviceToken: string) => void;
};

export type Context = { deps: ApiDeps; transport: TransportInfo };

export function createContext(deps: ApiDeps, transport: TransportInfo): Context {
  return { deps, transport };
}
