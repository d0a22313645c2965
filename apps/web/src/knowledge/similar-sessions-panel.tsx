// "What the team already knows": the account's resolved sessions most like this one, each with
// who fixed it, when and how, and a link to it. Engineers mark a match "This was it" or "Not
// related" (one verdict each, which the ranking uses); viewers read only.
import type { TSimilarSession, TSimilarVerdict } from "@handoff/api/client-contract";
import { Link } from "wouter";
import { canWorkHandoffs, useViewer } from "../auth/auth-context.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { formatRelativeTime } from "../lib/relative-time.ts";
import { trpc } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { FormError } from "../ui/form-error.tsx";
import "./knowledge.css";

const VERDICTS = [
  { verdict: "this_was_it", label: "This was it" },
  { verdict: "not_related", label: "Not related" },
] as const satisfies ReadonlyArray<{ verdict: TSimilarVerdict; label: string }>;

export function SimilarSessionsPanel({ sessionId }: { sessionId: string }) {
  const viewer = useViewer();
  const now = useNow();
  const utils = trpc.useUtils();
  const similar = trpc.session.similar.useQuery({ sessionId, limit: 5 });
  const judge = trpc.session.similarVerdict.useMutation({
    onSuccess: () => utils.session.similar.invalidate({ sessionId }),
  });
  const canJudge = canWorkHandoffs(viewer);

  return (
    <section className="panel" aria-labelledby="similar-title" data-testid="similar-sessions">
      <h2 id="similar-title">Solved before</h2>
      {similar.isPending && <p className="muted">Looking for similar resolved sessions…</p>}
      {similar.error && <p className="form-error">{errorMessage(similar.error)}</p>}
      {similar.data?.items.length === 0 && (
        <p className="muted">No similar session has been resolved in this account yet.</p>
      )}
      {similar.data && similar.data.items.length > 0 && (
        <ol className="similar-list">
          {similar.data.items.map((match) => (
            <SimilarMatch
              key={match.sessionId}
              match={match}
              now={now}
              isBusy={judge.isPending}
              onJudge={
                canJudge
                  ? (verdict) => judge.mutate({ sessionId, matchedSessionId: match.sessionId, verdict })
                  : null
              }
            />
          ))}
        </ol>
      )}
      <FormError message={judge.error && errorMessage(judge.error)} />
    </section>
  );
}

function SimilarMatch({
  match,
  now,
  isBusy,
  onJudge,
}: {
  match: TSimilarSession;
  now: number;
  isBusy: boolean;
  onJudge: ((verdict: TSimilarVerdict | null) => void) | null;
}) {
  return (
    <li className="similar" data-testid="similar-match">
      <Link to={`/sessions/${match.sessionId}`} className="similar__title">
        {match.problemSummary}
      </Link>
      <p className="similar__meta muted">
        {match.problemDomain} · resolved {match.resolvedBy ? `by ${match.resolvedBy.name} ` : ""}
        <time dateTime={match.resolvedAt}>{formatRelativeTime(match.resolvedAt, now)}</time>
      </p>
      {match.fix && (
        <p className="similar__fix" data-testid="similar-fix">
          <strong>Fixed by:</strong> {match.fix.label}
          {match.fix.outcome && <> — {match.fix.outcome}</>}
        </p>
      )}
      {match.resolution && <p className="similar__resolution">{match.resolution}</p>}
      {onJudge && (
        <div className="similar__verdicts">
          {VERDICTS.map(({ verdict, label }) => {
            const isChosen = match.verdict === verdict;
            return (
              <button
                key={verdict}
                type="button"
                className="button button--small button--ghost"
                aria-pressed={isChosen}
                disabled={isBusy}
                onClick={() => onJudge(isChosen ? null : verdict)}
              >
                {label}
              </button>
            );
          })}
        </div>
      )}
    </li>
  );
}
