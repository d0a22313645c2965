// One labelled control of a form: the label, the input (or select, textarea) given as children, a
// hint under it and the server's problem with it, in the markup every form shares.
import type { ReactNode } from "react";

type TFieldProps = {
  label: ReactNode;
  children: ReactNode;
  hint?: ReactNode;
  problem?: string | null;
};

export function Field({ label, children, hint, problem }: TFieldProps) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in as children.
    <label className="field">
      <span>{label}</span>
      {children}
      {hint && <span className="muted field__hint">{hint}</span>}
      {problem && <span className="field__problem">{problem}</span>}
    </label>
  );
}
