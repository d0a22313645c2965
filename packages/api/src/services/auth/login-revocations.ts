// Logins that end (sign-out, deactivation) are announced on the bus, so every replica closes their
// WebSockets at once instead of at the next login re-check. Best effort: a lost message leaves the
// re-check (AUTH_RECHECK_INTERVAL) as the bound. Carries token hashes only, never tokens.
import { BusClosedError, BusUnavailableError } from "@handoff/bus";
import type { CoreDeps } from "../../core-deps.ts";
import { isLoginsRevokedMessage } from "../../domain/bus-message.ts";
import { MAX_REVOKED_PER_MESSAGE } from "../../domain/payload-contracts.ts";

export const LOGINS_CHANNEL = "logins";

type TDeps = Pick<CoreDeps, "bus" | "logger">;

/** Announces, after the commit that deleted them, logins that no longer exist. */
export function announceLoginsRevoked(deps: TDeps, tokenHashes: string[]): void {
  for (let index = 0; index < tokenHashes.length; index += MAX_REVOKED_PER_MESSAGE) {
    const batch = tokenHashes.slice(index, index + MAX_REVOKED_PER_MESSAGE);
    deps.bus.publish(LOGINS_CHANNEL, { v: 1, kind: "logins-revoked", tokenHashes: batch }).catch((error) => {
      deps.logger.warn({ err: error }, "could not announce ended logins; sockets end at the next re-check");
    });
  }
}

/** Calls `onRevoked` with the token hashes of every announced end of a login, until `signal` aborts. */
export async function followLoginRevocations(
  deps: TDeps,
  onRevoked: (tokenHashes: ReadonlySet<string>) => void,
  signal: AbortSignal,
): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const subscription = await deps.bus.subscribe(LOGINS_CHANNEL, { signal });
      failures = 0;
      for await (const message of subscription) {
        if (isLoginsRevokedMessage(message)) onRevoked(new Set(message.tokenHashes));
      }
    } catch (error) {
      if (error instanceof BusClosedError) return;
      // Info, not a warning: a bus that is down is reported by the readiness check already.
      if (!(error instanceof BusUnavailableError)) {
        deps.logger.info({ err: error }, "lost the bus for ended logins; listening again");
      }
    }
    if (signal.aborted) return;
    failures += 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** failures, 5_000)));
  }
}
