// The holder rule: a session's holder is its assignee, or its owner while it has none. Only the
// holder or an ADMIN+ may change, park, escalate, resolve or reopen it.
import type { TRole } from "../schemas/enums.ts";
import type { TPersonRef } from "../schemas/outputs.ts";
import { AppError } from "./app-error.ts";
import { hasRoleAtLeast } from "./roles.ts";

export type THeldSession = { owner: TPersonRef; assignee: TPersonRef | null };

export function holderOf(session: THeldSession): TPersonRef {
  return session.assignee ?? session.owner;
}

export function assertMayChange(viewer: { id: string; role: TRole }, session: THeldSession): void {
  if (!hasRoleAtLeast(viewer.role, "engineer")) {
    throw new AppError("FORBIDDEN", "Your role is read-only: ask an admin for engineer access.");
  }
  const holder = holderOf(session);
  if (holder.id === viewer.id || hasRoleAtLeast(viewer.role, "admin")) return;
  throw new AppError(
    "FORBIDDEN",
    `${holder.name} holds this session: only they or an admin can change it. Claim it from the queue once it is handed off.`,
  );
}
