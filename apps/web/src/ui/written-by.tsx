// Says who wrote an assessment or a briefing: the language model, or rules applied to the
// snapshot. Model output is only ever shown as text (React escapes it); this label keeps a reader
// from mistaking one for the other.
import type { TWrittenBy } from "@handoff/api/client-contract";
import "./badges.css";

export function WrittenBy({ source, model }: { source: TWrittenBy; model?: string | null }) {
  const label = source === "model" ? "AI" : "Rules";
  const title =
    source === "model"
      ? `Written by a language model${model ? ` (${model})` : ""}: check before acting on it.`
      : "Written by rules from what the session recorded (no language model).";
  return (
    <span className={`written-by written-by--${source}`} title={title} data-source={source}>
      {label}
    </span>
  );
}
