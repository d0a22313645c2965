// A calm full-page state (loading, unreachable server) outside the app shell.
type TFullPageMessageProps = { title: string; detail?: string; isBusy?: boolean; canRetry?: boolean };

export function FullPageMessage({ title, detail, isBusy = false, canRetry = false }: TFullPageMessageProps) {
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
      </div>
    </main>
  );
}
