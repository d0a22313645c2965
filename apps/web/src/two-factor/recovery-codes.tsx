// Ten recovery codes, shown once after two-factor is turned on: each signs in once without the phone.
import "./two-factor.css";

export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone(): void }) {
  return (
    <div className="two-factor__codes">
      <h2>Save your recovery codes</h2>
      <p className="muted">
        Each code signs you in once if you lose your phone. They are shown only now: print them or keep them
        in your password manager.
      </p>
      <ol className="two-factor__code-list" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button type="button" className="button button--primary" onClick={onDone}>
        I saved them, continue
      </button>
    </div>
  );
}
