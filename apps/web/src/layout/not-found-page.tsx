// What any path the app has no page for shows, signed in or not (the server hands every page
// request to the app, so this is the app's 404).
import { useEffect } from "react";
import { Link } from "wouter";
import { FullPageMessage } from "./full-page-message.tsx";

export function NotFoundPage() {
  useEffect(() => {
    document.title = "Page not found · Handoff";
  }, []);
  return (
    <FullPageMessage
      title="Page not found"
      detail="There is no page at this address. It may have moved, or the link may be incomplete."
      action={
        <Link className="button button--primary" to="/">
          Go to Handoff
        </Link>
      }
    />
  );
}
