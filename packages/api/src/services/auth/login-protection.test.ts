import { describe, expect, it } from "vitest";
import { createLoginProtection } from "./login-protection.ts";

describe("login protection", () => {
  it("gives an attempt's points back when its password could not be checked", async () => {
    const protection = createLoginProtection({
      freeFailures: 1,
      maxDelayMs: 60_000,
      addressFailures: 1,
      windowMs: 60_000,
      deviceSecret: "login-protection-unit-test-device-secret",
    });
    const attempt = { email: "someone@example.test", clientIp: "192.0.2.1", deviceToken: null };

    const first = await protection.admit(attempt);
    // While it is being checked it holds the address's only point.
    await expect(protection.admit(attempt)).rejects.toThrow("Too many failed sign-ins for your network.");
    await first.abandoned();

    const second = await protection.admit(attempt);
    await second.failed();
    await expect(protection.admit(attempt)).rejects.toThrow("Too many failed sign-ins for your network.");
  });
});
