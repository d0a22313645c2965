// Web Push delivery through the `web-push` library: VAPID-signed requests carrying a payload
// encrypted per RFC 8291 (aes128gcm) for one browser subscription. The VAPID key pair comes from
// config, or is generated once and kept in the database. Never throws for a push service's answer:
// each outcome is a result the job handler records.
import type { PrismaClient } from "@handoff/db";
import webpush, { type RequestOptions } from "web-push";
import { parseRetryAfter } from "../jobs/retry-delay.ts";

export type TVapidKeys = { publicKey: string; privateKey: string };

export type TPushTarget = { endpoint: string; keys: { p256dh: string; auth: string } };

export type TPushOptions = {
  /** How long the push service keeps it for a device that is offline. */
  ttlSeconds: number;
  urgency: "normal" | "high";
  /** A newer message with the same topic replaces one the device has not fetched yet. */
  topic?: string;
};

export type TPushResult =
  | { ok: true; providerId: string | null }
  /** 404/410: the subscription expired or the user revoked it; it will never work again. */
  | { ok: false; isGone: true; error: string }
  | { ok: false; isGone: false; error: string; isRetryable: boolean; retryAfterMs: number | null };

export type WebPushSender = {
  /** The application server key browsers subscribe with (base64url). */
  publicKey(): Promise<string>;
  /**
   * Whether the server will POST to this endpoint: only known push services, so a subscription
   * cannot aim the server at an address of someone's choosing (e.g. inside its own network).
   */
  isAllowedEndpoint(endpoint: string): boolean;
  send(target: TPushTarget, payload: string, options: TPushOptions): Promise<TPushResult>;
};

/**
 * The push services of the browsers people use: Chrome, Edge (FCM or WNS), Firefox, Safari.
 * A leading dot matches any subdomain.
 */
export const DEFAULT_PUSH_SERVICE_HOSTS = [
  "fcm.googleapis.com",
  "android.googleapis.com",
  ".push.services.mozilla.com",
  ".push.apple.com",
  ".notify.windows.com",
];

export function isHostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = host.toLowerCase();
  return allowed.some((entry) =>
    entry.startsWith(".") ? name.endsWith(entry) && name.length > entry.length : name === entry,
  );
}

/** The generated pair's row: one per database, shared by every replica. */
const GENERATED_KEY_ID = "default";

/**
 * The configured pair, or the one kept in the database (generated on first use; when replicas race,
 * the first insert wins and everyone reads that one).
 */
export function vapidKeysFrom(
  prisma: PrismaClient,
  configured: TVapidKeys | null,
): () => Promise<TVapidKeys> {
  let keys: Promise<TVapidKeys> | null = configured ? Promise.resolve(configured) : null;
  async function loadOrGenerate(): Promise<TVapidKeys> {
    const stored = await prisma.vapidKeyPair.findUnique({ where: { id: GENERATED_KEY_ID } });
    if (stored) return stored;
    await prisma.vapidKeyPair.createMany({
      data: [{ id: GENERATED_KEY_ID, ...webpush.generateVAPIDKeys() }],
      skipDuplicates: true,
    });
    return prisma.vapidKeyPair.findUniqueOrThrow({ where: { id: GENERATED_KEY_ID } });
  }
  return () => {
    keys ??= loadOrGenerate().catch((error: unknown) => {
      keys = null; // a database hiccup must not stick: the next call tries again
      throw error;
    });
    return keys.then(({ publicKey, privateKey }) => ({ publicKey, privateKey }));
  };
}

export function createWebPushSender(options: {
  keys: () => Promise<TVapidKeys>;
  /** mailto: or https: — push services contact it about this sender. */
  subject: string;
  /** A push service that never answers must not hold a job (or shutdown) forever. */
  timeoutMs?: number;
  /** Hosts an endpoint may point at (see DEFAULT_PUSH_SERVICE_HOSTS), optionally with :port. */
  allowedHosts?: readonly string[];
  /** Tests point this at a local push service with its own certificate. */
  agent?: RequestOptions["agent"];
}): WebPushSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const allowedHosts = options.allowedHosts ?? DEFAULT_PUSH_SERVICE_HOSTS;
  function isAllowedEndpoint(endpoint: string): boolean {
    if (!URL.canParse(endpoint)) return false;
    const url = new URL(endpoint);
    return (
      url.protocol === "https:" &&
      url.username === "" &&
      (isHostAllowed(url.hostname, allowedHosts) || isHostAllowed(url.host, allowedHosts))
    );
  }
  return {
    async publicKey() {
      return (await options.keys()).publicKey;
    },
    isAllowedEndpoint,
    async send(target, payload, pushOptions) {
      // Checked again at send time: the allowed hosts may have narrowed since it subscribed.
      if (!isAllowedEndpoint(target.endpoint)) {
        return {
          ok: false,
          isGone: true,
          error: `${new URL(target.endpoint).host} is not an allowed push service`,
        };
      }
      const vapidDetails = { subject: options.subject, ...(await options.keys()) };
      try {
        const response = await webpush.sendNotification(target, payload, {
          vapidDetails,
          TTL: pushOptions.ttlSeconds,
          urgency: pushOptions.urgency,
          ...(pushOptions.topic && { topic: pushOptions.topic }),
          timeout: timeoutMs,
          ...(options.agent && { agent: options.agent }),
        });
        const location = response.headers.location;
        return { ok: true, providerId: typeof location === "string" ? location : null };
      } catch (error) {
        return failureOf(error);
      }
    },
  };
}

function failureOf(error: unknown): TPushResult {
  if (!(error instanceof webpush.WebPushError)) {
    // No answer at all: refused connection, DNS, TLS, timeout. The service may be back soon.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, isGone: false, error: `network: ${message}`, isRetryable: true, retryAfterMs: null };
  }
  const status = error.statusCode;
  const detail = error.body?.trim().slice(0, 300) || "no details";
  if (status === 404 || status === 410) {
    return { ok: false, isGone: true, error: `${status}: the device's subscription is gone (${detail})` };
  }
  const retryAfter = error.headers?.["retry-after"];
  return {
    ok: false,
    isGone: false,
    error: `${status}: ${detail}`,
    // 400 (bad request), 403 (VAPID key mismatch), 413 (payload too big) will fail the same way again.
    isRetryable: status === 429 || status >= 500,
    retryAfterMs: parseRetryAfter(typeof retryAfter === "string" ? retryAfter : null),
  };
}
