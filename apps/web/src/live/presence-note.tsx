// "Sara Senior is viewing": who else has this handoff or session open right now.
import type { TPersonRef } from "@handoff/api/client-contract";
import { initials } from "../layout/app-shell.tsx";
import "./live.css";

export function describeViewers(viewers: TPersonRef[]): string {
  const names = viewers.map((viewer) => viewer.name);
  if (names.length === 1) return `${names[0]} is viewing`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are viewing`;
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} more are viewing`;
}

export function PresenceNote({ viewers, isCompact = false }: { viewers: TPersonRef[]; isCompact?: boolean }) {
  if (viewers.length === 0) return null;
  return (
    <p className={isCompact ? "presence presence--compact" : "presence"} data-testid="presence">
      <span className="presence__faces" aria-hidden="true">
        {viewers.slice(0, 3).map((viewer) => (
          <span key={viewer.id} className="presence__face" title={viewer.name}>
            {initials(viewer.name)}
          </span>
        ))}
      </span>
      <span>{describeViewers(viewers)}</span>
    </p>
  );
}
