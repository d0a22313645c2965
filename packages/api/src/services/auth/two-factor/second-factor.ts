// Checks a second-factor code for a user and uses it up in the caller's transaction: a TOTP code
// moves the user's last accepted time step forward (so it, and any older code, never works again),
// a recovery code is marked used. Both are conditional updates, so of two uses at once one wins.
import type { Prisma } from "@handoff/db";
import { AppError } from "../../../domain/app-error.ts";
import type { SecretBox } from "../../psa/secret-box.ts";
import { hashRecoveryCode, looksLikeRecoveryCode } from "./recovery-codes.ts";
import { matchTotp } from "./totp.ts";

export type TSecondFactorMethod = "totp" | "recovery_code";

type TTotpUser = { id: string; totpSealedSecret: string | null; totpLastTimeStep: number | null };

export const NO_SECRETS_KEY_FOR_TWO_FACTOR =
  "This server has no SECRETS_KEY, so it cannot keep two-factor secrets. Whoever runs Handoff must set it first (see docs/operations.md, Configuration).";

/** The TOTP secret is bound to its user: a sealed secret copied to another user's row does not open. */
export const totpBinding = (userId: string) => `totp:${userId}`;

export function openTotpSecret(
  secrets: SecretBox | null,
  user: Pick<TTotpUser, "id" | "totpSealedSecret">,
): string {
  if (!secrets) throw new AppError("PRECONDITION_FAILED", NO_SECRETS_KEY_FOR_TWO_FACTOR);
  if (!user.totpSealedSecret) throw new AppError("PRECONDITION_FAILED", "Two-factor sign-in is not set up.");
  return secrets.open(user.totpSealedSecret, totpBinding(user.id));
}

/** Uses the code if it is right: which kind it was, or null when it is wrong or already used. */
export async function useSecondFactor(
  tx: Pick<Prisma.TransactionClient, "user" | "recoveryCode">,
  secrets: SecretBox | null,
  user: TTotpUser,
  code: string,
): Promise<TSecondFactorMethod | null> {
  if (looksLikeRecoveryCode(code)) {
    const { count } = await tx.recoveryCode.updateMany({
      where: { userId: user.id, codeHash: hashRecoveryCode(code), usedAt: null },
      data: { usedAt: new Date() },
    });
    return count === 1 ? "recovery_code" : null;
  }
  const timeStep = await matchTotp(openTotpSecret(secrets, user), code, user.totpLastTimeStep);
  if (timeStep === null) return null;
  const { count } = await tx.user.updateMany({
    where: {
      id: user.id,
      OR: [{ totpLastTimeStep: null }, { totpLastTimeStep: { lt: timeStep } }],
    },
    data: { totpLastTimeStep: timeStep },
  });
  return count === 1 ? "totp" : null;
}
