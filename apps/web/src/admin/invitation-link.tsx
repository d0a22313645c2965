// What became of an invitation: emailed, or not emailed because the server has no email provider,
// and the link itself with a copy button either way (it is shown only once: the server keeps
// only its hash; "New link" on the user's row makes another).
import { useState } from "react";

export type TInvitation = { email: string; inviteUrl: string; isEmailed: boolean; expiresAt: string | null };

export function InvitationLink({ invitation }: { invitation: TInvitation }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(invitation.inviteUrl);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div
      className={`invitation${invitation.isEmailed ? "" : " invitation--not-sent"}`}
      role="status"
      data-testid="invitation"
    >
      <p>
        {invitation.isEmailed ? (
          <>
            Invitation emailed to <strong>{invitation.email}</strong>. You can also pass the link on yourself:
          </>
        ) : (
          <>
            <strong>Not emailed:</strong> this server has no email provider set up. Copy the link and send it
            to <strong>{invitation.email}</strong> yourself:
          </>
        )}
      </p>
      <div className="invitation__link">
        <code data-testid="invite-url">{invitation.inviteUrl}</code>
        <button type="button" className="button button--small" onClick={copy}>
          {copied === "yes" ? "Copied" : "Copy link"}
        </button>
      </div>
      {copied === "failed" && (
        <p className="muted">The browser refused the clipboard: select the link and copy it.</p>
      )}
      {invitation.expiresAt && (
        <p className="muted">It works once, until {new Date(invitation.expiresAt).toLocaleDateString()}.</p>
      )}
    </div>
  );
}
