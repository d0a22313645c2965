// The email that invites someone to an account: a one-time link to set a password and sign in.
import { asHeaderText, escapeHtml } from "./email-text.ts";

export function inviteEmail(invite: {
  inviteeName: string;
  accountName: string;
  sentByName: string | null;
  url: string;
  expiresAt: Date;
}): { subject: string; text: string; html: string } {
  const from = invite.sentByName ?? "An admin";
  const subject = asHeaderText(`${from} invited you to ${invite.accountName} on Handoff`);
  const expires = invite.expiresAt.toUTCString();
  const text = [
    `Hello ${invite.inviteeName},`,
    "",
    `${from} invited you to join ${invite.accountName} on Handoff.`,
    "Choose a password and sign in with this link (it works once):",
    invite.url,
    "",
    `The link expires ${expires}. If you did not expect this, ignore this email.`,
  ].join("\n");
  const html = `<p>Hello ${escapeHtml(invite.inviteeName)},</p>
<p>${escapeHtml(from)} invited you to join ${escapeHtml(invite.accountName)} on Handoff.</p>
<p><a href="${escapeHtml(invite.url)}">Choose a password and sign in</a> (the link works once).</p>
<p>The link expires ${escapeHtml(expires)}. If you did not expect this, ignore this email.</p>`;
  return { subject, text, html };
}
