// The second step of a sign-in: a code (or a recovery code) for a pending challenge completes it
// into a login, and a member whose account requires two-factor sets it up there before their first
// login. Each completion uses its code and its challenge once, in the transaction that starts the
// login and writes the audit row.
import { AppError } from "../../../domain/app-error.ts";
import type { TTwoFactorEnrolment } from "../../../schemas/two-factor.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";
import { startAuthSession, type TAuthedViewer } from "../auth-service.ts";
import { beginEnrolment, checkEnrolmentCode, confirmEnrolmentIn, type TTwoFactorDeps } from "./enrolment.ts";
import { useSecondFactor } from "./second-factor.ts";
import { completeChallenge, openChallenge, type TOpenChallenge } from "./sign-in-challenge.ts";

type TSignInDeps = TTwoFactorDeps & { authSessionTtlMs: number };
type TOrigin = { ip: string; userAgent: string | null };
type TStartedLogin = { viewer: TAuthedViewer; token: string; expiresAt: Date };

const WRONG_SIGN_IN_CODE =
  "That code is not right, or it was already used. Type the newest code from your app.";

function sourceOf(challenge: TOpenChallenge, origin: TOrigin): TAuditSource {
  const { user } = challenge;
  return { accountId: user.accountId, actor: { id: user.id, email: user.email }, ...origin };
}

export async function completeSecondFactor(
  deps: TSignInDeps,
  input: { challengeToken: string; code: string },
  origin: TOrigin,
): Promise<TStartedLogin> {
  const challenge = await openChallenge(deps.prisma, input.challengeToken, "second_factor");
  const { user } = challenge;
  const source = sourceOf(challenge, origin);
  const recordFailure = (reason: string) =>
    recordAudit(deps.prisma, source, { action: "auth.sign_in_failed", details: { reason } });
  let started: TStartedLogin | null;
  try {
    started = await deps.secondFactorGuard.check(user.id, () =>
      deps.prisma.$transaction(async (tx) => {
        const method = await useSecondFactor(tx, deps.secrets, user, input.code);
        if (method === null) return null;
        await completeChallenge(tx, challenge.id);
        const login = await startAuthSession(
          { prisma: tx, authSessionTtlMs: deps.authSessionTtlMs },
          user.id,
        );
        await recordAudit(tx, source, { action: "auth.sign_in", details: { method: `password+${method}` } });
        if (method === "recovery_code") {
          const recoveryCodesLeft = await tx.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
          await recordAudit(tx, source, {
            action: "two_factor.recovery_code_used",
            target: { type: "user", id: user.id, label: user.email },
            details: { recoveryCodesLeft },
          });
        }
        return login;
      }),
    );
  } catch (error) {
    if (error instanceof AppError && error.code === "TOO_MANY_REQUESTS")
      await recordFailure("too_many_codes");
    throw error;
  }
  if (!started) {
    await recordFailure("wrong_code");
    throw new AppError("UNAUTHORIZED", WRONG_SIGN_IN_CODE);
  }
  return started;
}

/** The QR code for a member who must set up two-factor before their first login. */
export async function beginRequiredEnrolment(
  deps: TTwoFactorDeps,
  challengeToken: string,
): Promise<TTwoFactorEnrolment> {
  const challenge = await openChallenge(deps.prisma, challengeToken, "enrolment");
  return beginEnrolment(deps, challenge.userId);
}

/** A right first code turns two-factor on and signs in, in one transaction. */
export async function confirmRequiredEnrolment(
  deps: TSignInDeps,
  input: { challengeToken: string; code: string },
  origin: TOrigin,
): Promise<TStartedLogin & { recoveryCodes: string[] }> {
  const challenge = await openChallenge(deps.prisma, input.challengeToken, "enrolment");
  const timeStep = await checkEnrolmentCode(deps, challenge.user, input.code);
  const source = sourceOf(challenge, origin);
  return deps.prisma.$transaction(async (tx) => {
    const recoveryCodes = await confirmEnrolmentIn(tx, challenge.user, timeStep, source);
    await completeChallenge(tx, challenge.id);
    const login = await startAuthSession(
      { prisma: tx, authSessionTtlMs: deps.authSessionTtlMs },
      challenge.userId,
    );
    await recordAudit(tx, source, { action: "auth.sign_in", details: { method: "password+totp" } });
    return { ...login, recoveryCodes };
  });
}
