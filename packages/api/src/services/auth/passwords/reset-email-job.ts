// The reset link's email as a durable job ("password-reset.send"), so a Resend failure never fails
// the request: it is retried with backoff like every email. Its token rides in the job's payload
// (only its hash is stored with the link) and is dropped from it once the email is out. A link
// used, replaced or expired before its email goes is not sent.
import type { PrismaClient } from "@handoff/db";
import { z } from "zod";
import type { Clock } from "../../../domain/clock.ts";
import type { TJobRequest } from "../../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult, TJobRun } from "../../jobs/job-worker.ts";
import type { Mailer } from "../../notifications/mailer.ts";
import { passwordResetEmail } from "../../notifications/password-reset-email.ts";
import { isResetOpen, passwordResetUrl } from "./reset-link.ts";

export const SEND_PASSWORD_RESET_JOB = "password-reset.send";

const ZPayload = z.object({ resetId: z.string(), token: z.string().optional() });

export function sendPasswordResetJob(request: {
  resetId: string;
  accountId: string;
  token: string;
}): TJobRequest {
  return {
    accountId: request.accountId,
    kind: SEND_PASSWORD_RESET_JOB,
    payload: { resetId: request.resetId, token: request.token },
    dedupeKey: `${SEND_PASSWORD_RESET_JOB}/${request.resetId}`,
  };
}

export function createPasswordResetJobHandlers(options: {
  prisma: PrismaClient;
  mailer: Mailer;
  appOrigin: string;
  clock: Clock;
  retry?: { attempts: number };
}): TJobHandlers {
  const { prisma, mailer } = options;

  async function send(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const { resetId, token } = ZPayload.parse(payload);
    const reset = await prisma.passwordReset.findUnique({ where: { id: resetId }, include: { user: true } });
    if (!token || !isResetOpen(reset, options.clock.now())) return { ok: true };
    const result = await mailer.send({
      to: reset.user.email,
      ...passwordResetEmail({
        name: reset.user.name,
        url: passwordResetUrl(options.appOrigin, token),
        expiresAt: reset.expiresAt,
      }),
      idempotencyKey: `password-reset/${resetId}`,
    });
    // Without a provider (no RESEND_API_KEY) there is nothing to retry: the log mailer said so.
    if (!result.ok && mailer.kind !== "log") return result;
    await prisma.job.update({ where: { id: job.id }, data: { payload: { resetId } } });
    return { ok: true };
  }

  return { [SEND_PASSWORD_RESET_JOB]: { maxAttempts: options.retry?.attempts ?? 6, run: send } };
}
