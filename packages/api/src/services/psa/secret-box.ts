// Seals PSA credentials at rest with AES-256-GCM (node:crypto) under the server's SECRETS_KEY.
// Each value gets a fresh 96-bit IV and is bound to its account (additional authenticated data),
// so a sealed secret copied to another account's row does not open. Never logs or returns plaintext.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export type SecretBox = {
  seal(plaintext: string, boundTo: string): string;
  /** Throws when the value was sealed under another key, for another account, or was altered. */
  open(sealed: string, boundTo: string): string;
};

const VERSION = "v1";
const IV_BYTES = 12;
const KEY_BYTES = 32;
/** The full GCM tag: without the length pinned, Node accepts a tag cut to 4 bytes, far easier to forge. */
const TAG_BYTES = 16;

/** A SECRETS_KEY as 32 bytes: 64 hex characters or base64/base64url of 32 bytes; null otherwise. */
export function parseSecretsKey(value: string): Buffer | null {
  const trimmed = value.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === KEY_BYTES ? bytes : null;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`A secrets key is ${KEY_BYTES} bytes, not ${key.length}.`);
  return {
    seal(plaintext, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(boundTo, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
      return [VERSION, ...parts].join(".");
    },
    open(sealed, boundTo) {
      const [version, iv, tag, ciphertext] = sealed.split(".");
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new Error("Not a sealed secret this server can read.");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(boundTo, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    },
  };
}
