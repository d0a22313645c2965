// The email with a one-time link to choose a new password (a forgotten password).
import { escapeHtml } from "./email-text.ts";

export function passwordResetEmail(reset: { name: string; url: string; expiresAt: Date }): {
  subject: string;
  text: string;
  html: string;
} {
  const expires = reset.expiresAt.toUTCString();
  const text = [
    `Hello ${reset.name},`,
    "",
    "Someone (we hope you) asked to reset your Handoff password.",
    "Choose a new password with this link (it works once):",
    reset.url,
    "",
    `The link expires ${expires}. Choosing a new password signs you out everywhere.`,
    "If you did not ask for this, ignore this email: your password stays as it is.",
  ].join("\n");
  const html = `<p>Hello ${escapeHtml(reset.name)},</p>
<p>Someone (we hope you) asked to reset your Handoff password.</p>
<p><a href="${escapeHtml(reset.url)}">Choose a new password</a> (the link works once).</p>
<p>The link expires ${escapeHtml(expires)}. Choosing a new password signs you out everywhere.</p>
<p>If you did not ask for this, ignore this email: your password stays as it is.</p>`;
  return { subject: "Reset your Handoff password", text, html };
}
