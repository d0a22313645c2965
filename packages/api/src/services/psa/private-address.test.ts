import { describe, expect, it } from "vitest";
import { isPrivateAddress, privateAddressOf } from "./private-address.ts";

describe("private addresses", () => {
  it("covers this machine, private networks, link-local and their IPv6 forms", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.31.255.255",
      "192.168.0.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
  });

  it("lets public addresses through", () => {
    for (const address of ["8.8.8.8", "172.32.0.1", "203.0.113.7", "2606:4700::1111", "::ffff:8.8.8.8"]) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it("resolves names and bracketed IPv6 literals before checking them", async () => {
    expect(await privateAddressOf("localhost")).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(await privateAddressOf("[::1]")).toBe("::1");
    expect(await privateAddressOf("8.8.8.8")).toBeNull();
  });
});
