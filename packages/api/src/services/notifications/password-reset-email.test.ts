import { describe, expect, it } from "vitest";
import { passwordResetEmail } from "./password-reset-email.ts";

describe("password reset email", () => {
  const reset = {
    name: `Ann "<b>" O'Neil`,
    url: "https://handoff.example.com/reset-password#token=abc_DEF-123",
    expiresAt: new Date("2026-12-06T15:30:00.000Z"),
  };

  it("carries the link and when it expires, in the text and in the HTML", () => {
    const email = passwordResetEmail(reset);
    expect(email.subject).toBe("Reset your Handoff password");
    expect(email.text).toContain(`\n${reset.url}\n`);
    expect(email.text).toContain("Sun, 06 Dec 2026 15:30:00 GMT");
    expect(email.html).toContain(`<a href="${reset.url}">Choose a new password</a>`);
    expect(email.html).toContain("Sun, 06 Dec 2026 15:30:00 GMT");
  });

  it("escapes the person's name in the HTML", () => {
    const { html, text } = passwordResetEmail(reset);
    expect(html).toContain("Hello Ann &#34;&#60;b&#62;&#34; O&#39;Neil,");
    expect(html).not.toContain("<b>");
    expect(text).toContain(`Hello ${reset.name},`);
  });
});
