// Loading and error states for a page inside the app shell.
import { Link } from "wouter";
import { errorCode, errorMessage } from "../lib/api-errors.ts";

export function PageLoading({ label }: { label: string }) {
  return (
    <div className="page-state" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <p className="muted">{label}</p>
    </div>
  );
}

const TITLE_BY_CODE: Record<string, string> = {
  NOT_FOUND: "Not found",
  FORBIDDEN: "Not available to you",
};

export function PageError({ title, error, backTo }: { title: string; error: unknown; backTo: string }) {
  const code = errorCode(error);
  return (
    <div className="page-state page-state--error" role="alert">
      <h1>{(code && TITLE_BY_CODE[code]) ?? title}</h1>
      <p className="muted">{errorMessage(error)}</p>
      <Link to={backTo} className="button">
        Go back
      </Link>
    </div>
  );
}
