// A user's own two-factor sign-in: start an enrolment (a new secret, shown once as a QR code and
// as text), confirm it with a first code (then sign-in asks for codes, and ten recovery codes are
// shown once), and turn it off again with the password or a code. Never returns a stored secret.
import { type Prisma, type PrismaClient, verifyPassword } from "@handoff/db";
import QRCode from "qrcode";
import { AppError } from "../../../domain/app-error.ts";
import type { TTwoFactorEnrolment, TTwoFactorStatus } from "../../../schemas/two-factor.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";
import type { SecretBox } from "../../psa/secret-box.ts";
import { hashRecoveryCode, newRecoveryCodes } from "./recovery-codes.ts";
import {
  NO_SECRETS_KEY_FOR_TWO_FACTOR,
  openTotpSecret,
  totpBinding,
  useSecondFactor,
} from "./second-factor.ts";
import type { SecondFactorGuard } from "./second-factor-guard.ts";
import { matchTotp, newTotpSecret, totpUri } from "./totp.ts";

export type TTwoFactorDeps = {
  prisma: PrismaClient;
  secrets: SecretBox | null;
  secondFactorGuard: SecondFactorGuard;
};

const WRONG_CODE = "That code is not right. Check the time on your phone and type the newest code.";

async function findUser(prisma: PrismaClient, userId: string) {
  return prisma.user.findUniqueOrThrow({ where: { id: userId }, include: { account: true } });
}

export async function twoFactorStatus(deps: TTwoFactorDeps, userId: string): Promise<TTwoFactorStatus> {
  const user = await findUser(deps.prisma, userId);
  const recoveryCodesLeft = await deps.prisma.recoveryCode.count({ where: { userId, usedAt: null } });
  return {
    isEnabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt?.toISOString() ?? null,
    recoveryCodesLeft,
    isRequiredByAccount: user.account.requireTwoFactor,
    isAvailable: deps.secrets !== null,
  };
}

/** A fresh secret for the user, kept sealed until a code confirms it; replaces an unconfirmed one. */
export async function beginEnrolment(deps: TTwoFactorDeps, userId: string): Promise<TTwoFactorEnrolment> {
  if (!deps.secrets) throw new AppError("PRECONDITION_FAILED", NO_SECRETS_KEY_FOR_TWO_FACTOR);
  const user = await findUser(deps.prisma, userId);
  if (user.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor sign-in is already on.");
  const secret = newTotpSecret();
  const { count } = await deps.prisma.user.updateMany({
    where: { id: userId, totpEnabledAt: null },
    data: { totpSealedSecret: deps.secrets.seal(secret, totpBinding(userId)), totpLastTimeStep: null },
  });
  if (count === 0) throw new AppError("CONFLICT", "Two-factor sign-in is already on.");
  const otpauthUri = totpUri(secret, { accountName: user.account.name, email: user.email });
  const svg = await QRCode.toString(otpauthUri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return {
    secret,
    otpauthUri,
    qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
  };
}

/**
 * Turns two-factor on once a code from the new secret is right, in the caller's transaction:
 * recovery codes are replaced and the change audited there. The code's time step is kept, so it
 * cannot sign in again.
 */
export async function confirmEnrolmentIn(
  tx: Prisma.TransactionClient,
  user: { id: string; email: string; totpSealedSecret: string | null },
  timeStep: number,
  source: TAuditSource,
): Promise<string[]> {
  const { count } = await tx.user.updateMany({
    where: { id: user.id, totpEnabledAt: null, totpSealedSecret: user.totpSealedSecret },
    data: { totpEnabledAt: new Date(), totpLastTimeStep: timeStep },
  });
  if (count === 0)
    throw new AppError("CONFLICT", "This enrolment was replaced or finished meanwhile: start again.");
  const recoveryCodes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
  await tx.recoveryCode.createMany({
    data: recoveryCodes.map((code) => ({ userId: user.id, codeHash: hashRecoveryCode(code) })),
  });
  await recordAudit(tx, source, {
    action: "two_factor.enabled",
    target: { type: "user", id: user.id, label: user.email },
  });
  return recoveryCodes;
}

/** The time step of a first code for the pending enrolment (throttled), or BAD_REQUEST. */
export async function checkEnrolmentCode(
  deps: TTwoFactorDeps,
  user: { id: string; totpSealedSecret: string | null; totpEnabledAt: Date | null },
  code: string,
): Promise<number> {
  if (user.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor sign-in is already on.");
  if (!user.totpSealedSecret) {
    throw new AppError("PRECONDITION_FAILED", "Start the set-up first: no QR code was shown yet.");
  }
  const secret = openTotpSecret(deps.secrets, user);
  const timeStep = await deps.secondFactorGuard.check(user.id, () => matchTotp(secret, code, null));
  if (timeStep === null) throw new AppError("BAD_REQUEST", WRONG_CODE);
  return timeStep;
}

export async function confirmEnrolment(
  deps: TTwoFactorDeps,
  userId: string,
  code: string,
  source: TAuditSource,
): Promise<{ recoveryCodes: string[] }> {
  const user = await findUser(deps.prisma, userId);
  const timeStep = await checkEnrolmentCode(deps, user, code);
  const recoveryCodes = await deps.prisma.$transaction((tx) =>
    confirmEnrolmentIn(tx, user, timeStep, source),
  );
  return { recoveryCodes };
}

/** Turns it off with the password or a current code; refused while the account requires it. */
export async function disableTwoFactor(
  deps: TTwoFactorDeps,
  userId: string,
  proof: { password: string } | { code: string },
  source: TAuditSource,
): Promise<TTwoFactorStatus> {
  const user = await findUser(deps.prisma, userId);
  if (!user.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor sign-in is already off.");
  if (user.account.requireTwoFactor) {
    throw new AppError(
      "FORBIDDEN",
      "Your account requires two-factor sign-in, so it can't be turned off. Ask the owner if you lost your phone.",
    );
  }
  // The password is checked before the transaction (argon2 is slow); a code is used up inside it.
  const isPasswordRight =
    "password" in proof &&
    (await deps.secondFactorGuard.check(user.id, async () =>
      (await verifyPassword(user.passwordHash, proof.password)) ? true : null,
    )) === true;
  await deps.prisma.$transaction(async (tx) => {
    const method =
      "password" in proof
        ? isPasswordRight && "password"
        : await deps.secondFactorGuard.check(user.id, () =>
            useSecondFactor(tx, deps.secrets, user, proof.code),
          );
    if (!method) {
      throw new AppError("BAD_REQUEST", "password" in proof ? "That password is not right." : WRONG_CODE);
    }
    await tx.user.update({
      where: { id: user.id },
      data: { totpEnabledAt: null, totpSealedSecret: null, totpLastTimeStep: null },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await recordAudit(tx, source, {
      action: "two_factor.disabled",
      target: { type: "user", id: user.id, label: user.email },
      details: { provedWith: method },
    });
  });
  return twoFactorStatus(deps, userId);
}
