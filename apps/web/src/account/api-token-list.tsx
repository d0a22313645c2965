// The user's API tokens: what each may do, until when, and where it was last used from; an active
// one can be revoked (it stops working at once).
import type { TApiToken } from "@handoff/api/client-contract";
import { errorMessage } from "../lib/api-errors.ts";
import { formatDateTime, formatRelativeTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { FormError } from "../ui/form-error.tsx";

const STATUS_TEXT: Record<TApiToken["status"], string> = {
  active: "Active",
  revoked: "Revoked",
  expired: "Expired",
  ended: "Ended (your logins were ended)",
};

function lastUse(token: TApiToken): string {
  if (!token.lastUsedAt) return "Never used";
  return `Last used ${formatRelativeTime(token.lastUsedAt, Date.now())} from ${token.lastUsedIp ?? "an unknown address"}`;
}

export function ApiTokenList() {
  const utils = trpc.useUtils();
  const tokens = trpc.apiToken.list.useQuery();
  const revoke = trpc.apiToken.revoke.useMutation({ onSettled: () => void utils.apiToken.list.invalidate() });

  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Your API tokens</h2>
      {tokens.isPending && <p className="muted">Loading…</p>}
      <FormError message={tokens.error && errorMessage(tokens.error)} />
      {tokens.data?.length === 0 && <p className="muted">No tokens yet.</p>}
      <FormError message={revoke.error && errorMessage(revoke.error)} />
      <ul className="token-list">
        {tokens.data?.map((token) => (
          <li key={token.id} className="token-list__item" data-testid="api-token">
            <div>
              <strong>{token.name}</strong> <code>{token.displayPrefix}…</code>
              <p className="muted">
                {token.scopes.join(", ")} · {STATUS_TEXT[token.status]}
                {token.status === "active" && `, until ${formatDateTime(token.expiresAt)}`}
              </p>
              <p className="muted">{lastUse(token)}</p>
            </div>
            {token.status === "active" && (
              <button
                type="button"
                className="button button--small"
                disabled={revoke.isPending}
                aria-label={`Revoke ${token.name}`}
                onClick={() => revoke.mutate({ tokenId: token.id })}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
