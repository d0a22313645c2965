// TOTP (RFC 6238) on otplib: 6 digits, 30-second steps, SHA-1 (what every authenticator app reads
// from an otpauth:// link). A code from one step either side is accepted for clock drift, and
// never one at or before the step last accepted (replay).
import { generateSecret, generateURI, verify } from "otplib";

/** Steps either side of now a code may come from: ±30 s of clock drift. */
const DRIFT_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The otpauth:// link an app scans: listed as "Handoff (Acme MSP)" with the user's email. */
export function totpUri(secret: string, login: { accountName: string; email: string }): string {
  return generateURI({ issuer: `Handoff (${login.accountName})`, label: login.email, secret });
}

/** The time step the code belongs to, or null when it is wrong or from a step already used. */
export async function matchTotp(
  secret: string,
  code: string,
  lastTimeStep: number | null,
): Promise<number | null> {
  const digits = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(digits)) return null;
  const result = await verify({
    secret,
    token: digits,
    epochTolerance: DRIFT_SECONDS,
    ...(lastTimeStep !== null && { afterTimeStep: lastTimeStep }),
  });
  // otplib types TOTP and HOTP results as one union; only a TOTP result carries its time step.
  return result.valid && "timeStep" in result ? result.timeStep : null;
}
