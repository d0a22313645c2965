// What every procedure can reach: the app's dependencies (owned by the server that runs us)
// and what the transport learned about the caller. The API knows no transport.
import type { CoreDeps } from "./core-deps.ts";
import type { TLive, TSocketStreams } from "./live-port.ts";
import type { TokenUses } from "./services/auth/api-tokens/token-uses.ts";
import type { ConnectionLogins } from "./services/auth/auth-service.ts";
import type { LoginProtection } from "./services/auth/login-protection.ts";
import type { LoginWatcher } from "./services/auth/login-watch.ts";
import type { PasswordResetThrottle } from "./services/auth/passwords/reset-throttle.ts";
import type { SetupThrottle } from "./services/auth/setup/setup-throttle.ts";
import type { SsoDeps } from "./services/auth/sso/sso-deps.ts";
import type { SecondFactorGuard } from "./services/auth/two-factor/second-factor-guard.ts";
import type { WebPushSender } from "./services/notifications/web-push-sender.ts";
import type { PsaDeps } from "./services/psa/psa-connection.ts";
import type { SecretBox } from "./services/psa/secret-box.ts";
import type { WebhookDeps } from "./services/webhooks/webhook-delivery.ts";

export type ApiDeps = CoreDeps & {
  /** Web Push: the VAPID public key browsers subscribe with, and delivery (used by the push jobs). */
  webPush: WebPushSender;
  /** PSA connections: the box sealing their credentials (null without SECRETS_KEY) and HTTP settings. */
  psa: PsaDeps;
  /** Outbound webhooks, Teams and Slack: the same secrets box, and their HTTP settings. */
  webhooks: WebhookDeps;
  /** Single sign-on: the box sealing client secrets and sign-ins (null without SECRETS_KEY), and HTTP. */
  sso: SsoDeps;
  /** The web app's origin: links in emails and in an invitation's answer. */
  appOrigin: string;
  /** Whether emails reach anyone: without a provider they are recorded as skipped, and people are told so. */
  isEmailDelivered: boolean;
  loginProtection: LoginProtection;
  /** Counts requests for password reset emails, per email and per address. */
  passwordResetThrottle: PasswordResetThrottle;
  /** Wrong setup codes allowed before the first-run page refuses for a while. */
  setupThrottle: SetupThrottle;
  /** Seals secrets at rest under SECRETS_KEY (PSA credentials, TOTP secrets); null without one. */
  secrets: SecretBox | null;
  /** Throttles second-factor codes per user. */
  secondFactorGuard: SecondFactorGuard;
  /** How long a login lasts. */
  authSessionTtlMs: number;
  /** Logins of WebSocket connections, looked up in batches. */
  connectionLogins: ConnectionLogins;
  /** The live stream of this process (@handoff/live): fan-out, stream slots, presence. */
  live: TLive;
  /** Records each API token's last use (when, from which address). */
  tokenUses: TokenUses;
  /** Re-checks the logins of live streams, in batches. */
  logins: LoginWatcher;
};

export type TransportInfo = {
  /** Session token from the cookie, or from WebSocket connectionParams for non-browser clients. */
  authToken: string | null;
  /** Used to throttle failed logins. */
  clientIp: string;
  /** The browser's User-Agent header, kept in audit rows; absent on WebSocket. */
  userAgent?: string | null;
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
