// Ten single-use recovery codes: 16 characters of Crockford base32 (80 random bits), shown once in
// groups of four. Only a sha256 of each is stored: with 80 bits a fast hash is enough.
import { createHash, randomBytes } from "node:crypto";

export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((byte) => ALPHABET[byte % 32]).join("");
  return chars.match(/.{4}/g)?.join("-") ?? chars;
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/** Case, spaces and dashes do not matter when a code is typed back; i, l and o read as 1, 1, 0. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, "").replace(/[il]/g, "1").replace(/o/g, "0");
}

export function hashRecoveryCode(code: string): string {
  return createHash("sha256")
    .update(`recovery:${normalizeRecoveryCode(code)}`)
    .digest("hex");
}

/** A recovery code as typed (16 base32 characters once normalized), as opposed to a 6-digit TOTP code. */
export function looksLikeRecoveryCode(typed: string): boolean {
  return /^[0-9a-hjkmnp-tv-z]{16}$/.test(normalizeRecoveryCode(typed));
}
