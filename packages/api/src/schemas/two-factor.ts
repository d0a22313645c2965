// Two-factor sign-in: inputs and answers of the twoFactor router and of auth.login's second step.
import { z } from "zod";
import { LIMITS } from "../shared/constants.ts";

/** A 6-digit code from the authenticator app, or a recovery code (dashes and spaces ignored). */
const ZSecondFactorCode = z.string().trim().min(6, "Enter the 6-digit code from your app").max(40);
const ZChallengeToken = z.string().trim().min(16, "That sign-in is incomplete: sign in again").max(200);
const ZLoginMode = z.enum(["cookie", "token"]).default("cookie");

export const ZTwoFactorConfirmInput = z.object({ code: ZSecondFactorCode });

export const ZTwoFactorDisableInput = z.union([
  z.object({ password: z.string().min(1, "Enter your password").max(LIMITS.password) }),
  z.object({ code: ZSecondFactorCode }),
]);
export type TTwoFactorDisableInput = z.input<typeof ZTwoFactorDisableInput>;

export const ZSecondFactorSignInInput = z.object({
  challengeToken: ZChallengeToken,
  code: ZSecondFactorCode,
  mode: ZLoginMode,
});
export type TSecondFactorSignInInput = z.input<typeof ZSecondFactorSignInInput>;

export const ZRequiredEnrolmentInput = z.object({ challengeToken: ZChallengeToken });

export const ZRequiredEnrolmentConfirmInput = z.object({
  challengeToken: ZChallengeToken,
  code: ZSecondFactorCode,
  mode: ZLoginMode,
});

export const ZRequireTwoFactorInput = z.object({ isRequired: z.boolean() });

/** What auth.login answers instead of a login when a second step is owed. */
export type TSignInChallenge = {
  /** "second_factor": enter a code; "enrolment": set up two-factor first (the account requires it). */
  purpose: "second_factor" | "enrolment";
  challengeToken: string;
  expiresAt: string;
};

export type TTwoFactorStatus = {
  isEnabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  isRequiredByAccount: boolean;
  /** False on a server without SECRETS_KEY: two-factor cannot be set up there. */
  isAvailable: boolean;
};

/** Shown once, while setting up: the secret as text and as a QR code of its otpauth:// link. */
export type TTwoFactorEnrolment = { secret: string; otpauthUri: string; qrCodeDataUrl: string };
