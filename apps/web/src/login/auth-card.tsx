// The card every signed-out page shows (sign in, invitation, forgotten password): the brand, a
// title and a form, centred on the page.
import type { FormEvent, ReactNode } from "react";
import "./login.css";

type TAuthCardProps = {
  /** Unique per page: labels the form. */
  titleId: string;
  title: string;
  onSubmit(event: FormEvent): void;
  children: ReactNode;
  /** Shown under the card, outside its form (another form, which cannot nest). */
  after?: ReactNode;
};

export function AuthCard({ titleId, title, onSubmit, children, after }: TAuthCardProps) {
  return (
    <main className="login">
      <form className="login__card" onSubmit={onSubmit} aria-labelledby={titleId}>
        <div className="login__brand">
          <span className="logo" aria-hidden="true">
            ⇢
          </span>
          Handoff
        </div>
        <h1 id={titleId}>{title}</h1>
        {children}
      </form>
      {after}
    </main>
  );
}
