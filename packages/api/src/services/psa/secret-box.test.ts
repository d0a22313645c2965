import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, parseSecretsKey } from "./secret-box.ts";

describe("the secret box", () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);

  it("opens what it sealed, and every seal is different", () => {
    const sealed = box.seal("privKey456", "account-1");
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("privKey456");
    expect(box.open(sealed, "account-1")).toBe("privKey456");
    expect(box.seal("privKey456", "account-1")).not.toBe(sealed);
  });

  it("refuses another key, another account, and any change to the sealed value", () => {
    const sealed = box.seal("privKey456", "account-1");
    expect(() => createSecretBox(randomBytes(32)).open(sealed, "account-1")).toThrow();
    expect(() => box.open(sealed, "account-2")).toThrow();
    const [version, iv, tag, data] = sealed.split(".");
    const flipped = Buffer.from(data ?? "", "base64url");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() =>
      box.open([version, iv, tag, flipped.toString("base64url")].join("."), "account-1"),
    ).toThrow();
    expect(() => box.open("plain text", "account-1")).toThrow("Not a sealed secret");
  });

  it("refuses a truncated authentication tag", () => {
    const sealed = box.seal("privKey456", "account-1");
    const [version, iv, tag, data] = sealed.split(".");
    for (const length of [4, 8, 12, 15]) {
      const short = Buffer.from(tag ?? "", "base64url")
        .subarray(0, length)
        .toString("base64url");
      expect(() => box.open([version, iv, short, data].join("."), "account-1"), `${length} bytes`).toThrow();
    }
  });

  it("reads SECRETS_KEY as 64 hex characters or base64 of 32 bytes, and nothing shorter", () => {
    expect(parseSecretsKey(key.toString("hex"))).toEqual(key);
    expect(parseSecretsKey(key.toString("base64"))).toEqual(key);
    expect(parseSecretsKey(key.toString("base64url"))).toEqual(key);
    expect(parseSecretsKey(randomBytes(16).toString("base64"))).toBeNull();
    expect(parseSecretsKey("correct horse battery staple")).toBeNull();
  });
});
