// A live subscription outlives the request that authorised it: re-check the login while it
// streams, and say why it must end once it is signed out, expired, demoted or moved.
import type { PrismaClient } from "@handoff/db";
import { AppError } from "../domain/app-error.ts";
import { hasRoleAtLeast } from "../domain/roles.ts";
import type { TRole } from "../schemas/enums.ts";
import { resolveViewer, SESSION_ENDED_MESSAGE } from "./auth-service.ts";

export type LoginWatch = {
  /** Why the login no longer allows the stream, once a check has found out. */
  readonly lostReason: AppError | null;
  stop(): void;
};

export function watchLogin(options: {
  prisma: PrismaClient;
  token: string | null;
  viewer: { id: string; accountId: string };
  minimumRole: TRole;
  intervalMs: number;
  onLost(): void;
}): LoginWatch {
  let lostReason: AppError | null = null;
  const timer = setInterval(async () => {
    const current = await resolveViewer(options.prisma, options.token).catch(() => undefined);
    if (current === undefined || lostReason) return; // a failed check is retried on the next tick
    if (current === null) {
      lostReason = new AppError("UNAUTHORIZED", SESSION_ENDED_MESSAGE);
    } else if (
      current.accountId !== options.viewer.accountId ||
      !hasRoleAtLeast(current.role, options.minimumRole)
    ) {
      lostReason = new AppError(
        "FORBIDDEN",
        "Your access changed: this stream is no longer available to you.",
      );
    }
    if (lostReason) options.onLost();
  }, options.intervalMs);
  return {
    get lostReason() {
      return lostReason;
    },
    stop: () => clearInterval(timer),
  };
}
