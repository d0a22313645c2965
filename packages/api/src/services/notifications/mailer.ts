// Email delivery: Resend when configured, otherwise a mailer that records and sends nothing.
import { Resend } from "resend";
import type { Logger } from "../../domain/logger.ts";
import { parseRetryAfter } from "../jobs/retry-delay.ts";

export type TEmail = { to: string; subject: string; text: string; html: string; idempotencyKey: string };

export type TSendResult =
  | { ok: true; providerId: string }
  | { ok: false; error: string; isRetryable: boolean; retryAfterMs?: number | null };

export type Mailer = {
  /** "log" mailers send nothing; their notifications are recorded as SKIPPED. */
  kind: "resend" | "log";
  send(email: TEmail): Promise<TSendResult>;
};

export function createResendMailer(options: {
  apiKey: string;
  from: string;
  baseUrl?: string | undefined;
  /** A provider that never answers must not hold a delivery (or shutdown) forever. */
  timeoutMs?: number;
}): Mailer {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    kind: "resend",
    async send(email) {
      let reply: Awaited<ReturnType<typeof resend.emails.send>>;
      try {
        reply = await resend.emails.send(
          { from: options.from, to: email.to, subject: email.subject, text: email.text, html: email.html },
          { idempotencyKey: email.idempotencyKey, signal: AbortSignal.timeout(timeoutMs) },
        );
      } catch (error) {
        // The SDK rethrows an aborted request instead of returning it as an error.
        return {
          ok: false,
          error: `timeout: no answer within ${timeoutMs} ms (${String(error)})`,
          isRetryable: true,
        };
      }
      const { data, error, headers } = reply;
      if (data) return { ok: true, providerId: data.id };
      const status = error?.statusCode ?? null;
      return {
        ok: false,
        error: `${status ?? "network"}: ${error?.message ?? "unknown error"}`,
        // No status means the request never got an answer (Resend down, DNS, timeout).
        isRetryable: status === null || status === 429 || status >= 500,
        retryAfterMs: parseRetryAfter(headers?.["retry-after"]),
      };
    },
  };
}

export function createLogMailer(logger: Logger): Mailer {
  return {
    kind: "log",
    async send(email) {
      logger.info({ to: email.to, subject: email.subject }, "email not sent: RESEND_API_KEY is not set");
      return {
        ok: false,
        error: "Email delivery is not configured (no RESEND_API_KEY).",
        isRetryable: false,
      };
    },
  };
}
