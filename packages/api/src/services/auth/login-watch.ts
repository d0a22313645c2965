// Live subscriptions outlive the request that authorised them. The process re-checks every login
// that has one in batches (one query per interval for all of them, never two checks at once) and
// ends what a login no longer allows: signed out, expired, deactivated, demoted or moved.
import type { PrismaClient } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import { roleToApi } from "../../domain/enum-mapping.ts";
import type { Logger } from "../../domain/logger.ts";
import { hasRoleAtLeast } from "../../domain/roles.ts";
import type { TRole } from "../../schemas/enums.ts";
import { hashToken, SESSION_ENDED_MESSAGE } from "./auth-service.ts";

/** Tokens looked up per query; keeps the IN list a sane size. */
const TOKENS_PER_QUERY = 1000;

export type TLoginWatch = {
  token: string;
  viewer: { accountId: string };
  minimumRole: TRole;
  /** Called once, with why the login no longer allows what is being watched. */
  onLost(reason: AppError): void;
};

export type LoginWatcher = {
  /** Starts watching; the returned function stops. */
  watch(watch: TLoginWatch): () => void;
  /** Re-checks every watched login now rather than at the next interval (a login was just ended). */
  checkNow(): void;
  /** Diagnostics: logins being watched. */
  readonly size: number;
};

type TLoginState = { accountId: string; role: TRole } | null;

export function createLoginWatcher(deps: {
  prisma: PrismaClient;
  logger: Pick<Logger, "warn">;
  intervalMs: number;
}): LoginWatcher {
  const watches = new Set<TLoginWatch>();
  let timer: NodeJS.Timeout | null = null;
  let isChecking = false;
  /** Asked for while a check ran: another one follows it at once. */
  let isCheckWanted = false;

  function scheduleCheck() {
    if (timer || isChecking || watches.size === 0) return;
    timer = setTimeout(runCheck, deps.intervalMs);
    // Watches hold the process open, not this timer.
    timer.unref();
  }

  async function runCheck() {
    timer = null;
    isChecking = true;
    try {
      await checkAll();
    } catch (error) {
      deps.logger.warn({ err: error }, "login re-check failed; retrying at the next interval");
    } finally {
      isChecking = false;
      if (isCheckWanted) {
        isCheckWanted = false;
        void runCheck();
      } else scheduleCheck();
    }
  }

  async function checkAll() {
    // Hashed per check, not kept per watch: many watches share a login.
    const hashByToken = new Map<string, string>();
    for (const { token } of watches) if (!hashByToken.has(token)) hashByToken.set(token, hashToken(token));
    const hashes = [...hashByToken.values()];
    const states = new Map<string, TLoginState>();
    for (let index = 0; index < hashes.length; index += TOKENS_PER_QUERY) {
      const batch = hashes.slice(index, index + TOKENS_PER_QUERY);
      for (const [hash, state] of await readLoginStates(deps.prisma, batch)) states.set(hash, state);
    }
    for (const watch of watches) {
      // A watch that started during the query is checked next time.
      const hash = hashByToken.get(watch.token);
      if (hash === undefined) continue;
      const reason = lostReason(states.get(hash) ?? null, watch);
      if (!reason) continue;
      watches.delete(watch);
      watch.onLost(reason);
    }
  }

  return {
    watch(watch) {
      watches.add(watch);
      scheduleCheck();
      return () => {
        watches.delete(watch);
        if (watches.size === 0 && timer) {
          clearTimeout(timer);
          timer = null;
        }
      };
    },
    checkNow() {
      if (isChecking) {
        isCheckWanted = true;
        return;
      }
      if (watches.size === 0) return;
      if (timer) clearTimeout(timer);
      void runCheck();
    },
    get size() {
      return watches.size;
    },
  };
}

async function readLoginStates(prisma: PrismaClient, tokenHashes: string[]) {
  const sessions = await prisma.authSession.findMany({
    where: { tokenHash: { in: tokenHashes }, expiresAt: { gt: new Date() } },
    select: {
      tokenHash: true,
      user: { select: { accountId: true, role: true, active: true, deletedAt: true } },
    },
  });
  return sessions.map(({ tokenHash, user }): [string, TLoginState] => [
    tokenHash,
    user.active && user.deletedAt === null ? { accountId: user.accountId, role: roleToApi(user.role) } : null,
  ]);
}

function lostReason(state: TLoginState, watch: TLoginWatch): AppError | null {
  if (!state) return new AppError("UNAUTHORIZED", SESSION_ENDED_MESSAGE);
  if (state.accountId !== watch.viewer.accountId || !hasRoleAtLeast(state.role, watch.minimumRole)) {
    return new AppError("FORBIDDEN", "Your access changed: this stream is no longer available to you.");
  }
  return null;
}
