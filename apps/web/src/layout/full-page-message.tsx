// A calm full-page state (loading, unreachable server, a page that does not exist) outside the app shell.
import type { ReactNode } from "react";

type TFullPageMessageProps = {
  title: string;
  detail?: string;
  isBusy?: boolean;
  canRetry?: boolean;
  /** What to do instead (e.g. a link home). */
  action?: ReactNode;
};

export function FullPageMessage({
  title,
  detail,
  isBusy = false,
  canRetry = false,
  action,
}: TFullPageMessageProps) {
  return (
    <main className="full-page" aria-busy={isBusy}>
      <div className="full-page__card">
        {isBusy && <span className="spinner" aria-hidden="true" />}
        <h1>{title}</h1>
        {detail && <p className="muted">{detail}</p>}
        {canRetry && (
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        )}
        {action}
      </div>
    </main>
  );
}
