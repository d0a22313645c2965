// Setting up two-factor sign-in: a QR code (and the secret as text, for apps that cannot scan),
// a first code to confirm it, then the recovery codes once. Used from the user's security settings
// and from sign-in when the account requires it; `begin` and `confirm` say which.
import type { TTwoFactorEnrolment } from "@handoff/api/client-contract";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../lib/api-errors.ts";
import { CodeField } from "./code-field.tsx";
import { RecoveryCodes } from "./recovery-codes.tsx";
import "./two-factor.css";

type TEnrolmentFormProps = {
  begin(): Promise<TTwoFactorEnrolment>;
  /** Turns it on with a first code → the recovery codes to show once. */
  confirm(code: string): Promise<string[]>;
  onDone(): void;
};

export function EnrolmentForm({ begin, confirm, onDone }: TEnrolmentFormProps) {
  const [enrolment, setEnrolment] = useState<TTwoFactorEnrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState("");
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (step: () => Promise<void>) => {
    setIsBusy(true);
    setError(null);
    try {
      await step();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setIsBusy(false);
    }
  };

  if (recoveryCodes) return <RecoveryCodes codes={recoveryCodes} onDone={onDone} />;

  const errorLine = error && (
    <p className="form-error" role="alert">
      {error}
    </p>
  );

  if (!enrolment) {
    return (
      <div className="two-factor__start">
        <p className="muted">
          You will need an authenticator app on your phone (Microsoft Authenticator, Google Authenticator,
          1Password…).
        </p>
        {errorLine}
        <button
          type="button"
          className="button button--primary"
          disabled={isBusy}
          onClick={() => void run(async () => setEnrolment(await begin()))}
        >
          Set up two-factor sign-in
        </button>
      </div>
    );
  }

  const handleConfirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => setRecoveryCodes(await confirm(code)));
  };

  return (
    <form className="two-factor__enrol" onSubmit={handleConfirm}>
      <p>1. Scan this QR code with your authenticator app.</p>
      <img
        className="two-factor__qr"
        src={enrolment.qrCodeDataUrl}
        alt="QR code for your authenticator app"
      />
      <p className="muted">
        Can't scan it? Enter this key instead:{" "}
        <code className="two-factor__secret" data-testid="totp-secret">
          {enrolment.secret}
        </code>
      </p>
      <p>2. Type the 6-digit code the app shows.</p>
      <CodeField label="Code from the app" value={code} onChange={setCode} />
      {errorLine}
      <button type="submit" className="button button--primary" disabled={isBusy}>
        {isBusy ? "Checking…" : "Turn on two-factor sign-in"}
      </button>
    </form>
  );
}
