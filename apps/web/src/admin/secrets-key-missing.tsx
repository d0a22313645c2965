// The alert on a settings tab when this server has no SECRETS_KEY to seal what the tab would save.
export function SecretsKeyMissing({ what }: { what: string }) {
  return (
    <p className="form-error" role="alert">
      This server has no SECRETS_KEY, so it cannot keep {what}. Whoever runs Handoff must set it first (see
      docs/operations.md, Configuration).
    </p>
  );
}
