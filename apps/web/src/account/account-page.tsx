// /account: who you are signed in as, your password and your API tokens. Reached from your name in the top bar.
import { useEffect } from "react";
import { useViewer } from "../auth/auth-context.tsx";
import "./account.css";
import { ApiTokenForm } from "./api-token-form.tsx";
import { ApiTokenList } from "./api-token-list.tsx";
import { ChangePasswordForm } from "./change-password-form.tsx";

export function AccountPage() {
  const viewer = useViewer();

  useEffect(() => {
    document.title = "Your account · Handoff";
  }, []);

  return (
    <section className="account" aria-labelledby="account-title">
      <header className="page-header">
        <div>
          <h1 id="account-title">Your account</h1>
          <p className="muted">
            {viewer.name} · {viewer.email} · {viewer.account.name}
          </p>
        </div>
      </header>
      <ChangePasswordForm />
      <ApiTokenForm />
      <ApiTokenList />
    </section>
  );
}
