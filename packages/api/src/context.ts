// What every procedure can reach: the app's dependencies (owned by the server that runs us)
// and what the transport learned about the caller. The API knows no transport.
import type { EscalationBus } from "@handoff/bus";
import type { PrismaClient } from "@handoff/db";
import type { TEscalationBusMessage } from "./domain/bus-message.ts";
import type { Notifier } from "./services/notifications/notifier.ts";
import type { RateLimiter } from "./services/rate-limiter.ts";

export type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type ApiDeps = {
  prisma: PrismaClient;
  bus: EscalationBus<TEscalationBusMessage>;
  notifier: Notifier;
  logger: Logger;
  loginLimiter: RateLimiter;
  /** How long a login lasts. */
  authSessionTtlMs: number;
  /** How often a live subscription re-checks that its login is still valid. */
  authRecheckMs: number;
  /**
   * How often an idle stream checks the event log: a publish lost while the bus was down has
   * no later event to reveal the gap.
   */
  streamLogCheckMs: number;
  /** Per-subscriber bus buffer; a subscriber that falls further behind is ended and resumes. */
  streamBufferSize?: number;
};

export type TransportInfo = {
  /** Session token from the cookie, or from WebSocket connectionParams for non-browser clients. */
  authToken: string | null;
  /** Used to rate-limit logins. */
  clientIp: string;
  /** Sets (token) or clears (null) the session cookie; absent on WebSocket, which cannot set cookies. */
  setAuthCookie?: (cookie: { token: string; expiresAt: Date } | null) => void;
};

export type Context = { deps: ApiDeps; transport: TransportInfo };

export function createContext(deps: ApiDeps, transport: TransportInfo): Context {
  return { deps, transport };
}
