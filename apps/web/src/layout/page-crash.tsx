// When a page throws while rendering, only that page is replaced, by this: the top bar, the undo bar
// and the live connection stay, and moving to another page (or "Try again") renders it afresh.
import type { ReactNode } from "react";
import { ErrorBoundary, type FallbackProps } from "react-error-boundary";
import { Link, useLocation } from "wouter";

function PageCrashed({ resetErrorBoundary }: FallbackProps) {
  return (
    <div className="page-state page-state--error" role="alert" data-testid="page-crashed">
      <h1>This page ran into a problem</h1>
      <p className="muted">
        Nothing you saved is lost. Try again, or go back to the queue; if it keeps happening, reload the tab.
      </p>
      <div className="page-state__actions">
        <button type="button" className="button button--primary" onClick={resetErrorBoundary}>
          Try again
        </button>
        <Link to="/" className="button">
          Go to the start page
        </Link>
      </div>
    </div>
  );
}

export function PageCrashBoundary({ children }: { children: ReactNode }) {
  const [pathname] = useLocation();
  return (
    <ErrorBoundary
      FallbackComponent={PageCrashed}
      resetKeys={[pathname]}
      onError={(error) => console.error("The page failed to render", error)}
    >
      {children}
    </ErrorBoundary>
  );
}
