// Logins: argon2id passwords, DB-backed sessions that store only a sha256 of the token.
// Never reveals whether an email exists.
import { createHash, randomBytes } from "node:crypto";
import { hashPassword, type PrismaClient, verifyPassword } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import { roleToApi } from "../../domain/enum-mapping.ts";
import { parseScopes } from "../../domain/token-scopes.ts";
import type { TViewer } from "../../schemas/outputs.ts";
import type { TApiTokenScope } from "../../shared/api-token-options.ts";
import { SSO_PASSWORD_OFF_MESSAGE } from "../../shared/sso-refusals.ts";
import { auditSourceOfUser, recordAudit, type TAuditSource } from "../audit/record-audit.ts";
import type { LoginProtection } from "./login-protection.ts";
import { isPasswordSignInOff } from "./sso/password-sign-in.ts";
import { issueChallenge, type TIssuedChallenge } from "./two-factor/sign-in-challenge.ts";

export type TAuthedViewer = TViewer & {
  accountId: string;
  authSessionId: string;
  /** Set when the login is a personal API token: its scopes narrow what the role allows. */
  token: { id: string; scopes: TApiTokenScope[] } | null;
};

const INVALID_LOGIN = "That email and password don't match an active account.";
export const SESSION_ENDED_MESSAGE = "Your session has ended. Please sign in again.";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

// Verifying against a real hash when the email is unknown keeps both paths equally slow.
let decoyHash: Promise<string> | undefined;
const getDecoyHash = () => {
  decoyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return decoyHash;
};

/** What a login's viewer is made of (toViewer), and no more: it is read on every request. */
const viewerSelect = {
  id: true,
  tokenHash: true,
  expiresAt: true,
  user: {
    select: {
      id: true,
      name: true,
      email: true,
      role: true,
      isSeniorTech: true,
      active: true,
      deletedAt: true,
      account: { select: { id: true, name: true } },
      team: { select: { id: true, name: true } },
    },
  },
  apiToken: { select: { id: true, scopes: true } },
} as const;

type TStartedLogin = { viewer: TAuthedViewer; token: string; expiresAt: Date };

/** A right password either signs in, or (two-factor on, or required by the account) owes a second step. */
export type TSignInOutcome =
  | ({ kind: "signed_in" } & TStartedLogin)
  | { kind: "challenge"; challenge: TIssuedChallenge };

export async function login(
  deps: { prisma: PrismaClient; loginProtection: LoginProtection; authSessionTtlMs: number },
  input: {
    email: string;
    password: string;
    clientIp: string;
    deviceToken: string | null;
    userAgent?: string | null;
  },
): Promise<{ outcome: TSignInOutcome; deviceToken: string }> {
  const attempt = await deps.loginProtection.admit(input);
  const { user, usableUser, isMatch } = await checkPassword(deps.prisma, input).catch(
    async (error: unknown) => {
      await attempt.abandoned();
      throw error;
    },
  );
  const source = user && auditSourceOfUser(user, input);
  if (!usableUser || !isMatch || !source) {
    await attempt.failed();
    if (source && user.deletedAt === null) {
      const reason = usableUser ? "wrong_password" : "inactive_user";
      await recordAudit(deps.prisma, source, { action: "auth.sign_in_failed", details: { reason } });
    }
    throw new AppError("UNAUTHORIZED", INVALID_LOGIN);
  }
  if (await isPasswordSignInOff(deps.prisma, usableUser)) {
    await attempt.failed();
    await recordAudit(deps.prisma, source, {
      action: "auth.sign_in_failed",
      details: { reason: "sso_only" },
    });
    throw new AppError("FORBIDDEN", SSO_PASSWORD_OFF_MESSAGE);
  }

  const deviceToken = await attempt.succeeded();
  const outcome = await finishPasswordSignIn(deps, usableUser, source);
  return { outcome, deviceToken };
}

async function finishPasswordSignIn(
  deps: { prisma: PrismaClient; authSessionTtlMs: number },
  user: { id: string; totpEnabledAt: Date | null; account: { requireTwoFactor: boolean } },
  source: TAuditSource,
): Promise<TSignInOutcome> {
  const owed = user.totpEnabledAt ? "second_factor" : user.account.requireTwoFactor ? "enrolment" : null;
  return deps.prisma.$transaction(async (tx) => {
    if (owed) return { kind: "challenge", challenge: await issueChallenge(tx, user.id, owed) };
    const started = await startAuthSession({ prisma: tx, authSessionTtlMs: deps.authSessionTtlMs }, user.id);
    await recordAudit(tx, source, { action: "auth.sign_in", details: { method: "password" } });
    return { kind: "signed_in", ...started };
  });
}

/** The user with this email (if any), that user if active, and whether the password is theirs. */
async function checkPassword(prisma: PrismaClient, input: { email: string; password: string }) {
  const user = await prisma.user.findUnique({ where: { email: input.email }, include: { account: true } });
  const usableUser = user?.active && user.deletedAt === null ? user : null;
  const isMatch = await verifyPassword(usableUser?.passwordHash ?? (await getDecoyHash()), input.password);
  return { user, usableUser, isMatch };
}

/** A new login for a user who just proved who they are (a password, an accepted invitation). */
export async function startAuthSession(
  deps: { prisma: Pick<PrismaClient, "authSession">; authSessionTtlMs: number },
  userId: string,
): Promise<{ viewer: TAuthedViewer; token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + deps.authSessionTtlMs);
  const session = await deps.prisma.authSession.create({
    data: { tokenHash: hashToken(token), userId, expiresAt },
    select: viewerSelect,
  });
  return { viewer: toViewer(session), token, expiresAt };
}

export async function logout(
  prisma: PrismaClient,
  token: string | null,
  source: TAuditSource,
): Promise<void> {
  if (!token) return;
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.authSession.deleteMany({ where: { tokenHash: hashToken(token) } });
    if (count > 0) await recordAudit(tx, source, { action: "auth.sign_out" });
  });
}

/** The signed-in user behind a token, or null when the token is unknown, expired or the user is gone. */
export async function resolveViewer(
  prisma: PrismaClient,
  token: string | null,
): Promise<TAuthedViewer | null> {
  if (!token) return null;
  const session = await prisma.authSession.findUnique({
    where: { tokenHash: hashToken(token) },
    select: viewerSelect,
  });
  return session ? usableViewer(session) : null;
}

function usableViewer(session: SessionWithUser & { expiresAt: Date }): TAuthedViewer | null {
  if (session.expiresAt <= new Date()) return null;
  if (!session.user.active || session.user.deletedAt !== null) return null;
  return toViewer(session);
}

/** Tokens looked up per query; keeps the IN list a sane size. */
const TOKENS_PER_QUERY = 1000;

type TWaiter = {
  promise: Promise<TAuthedViewer | null>;
  resolve(viewer: TAuthedViewer | null): void;
  reject(error: unknown): void;
};

function createWaiter(): TWaiter {
  let resolve: TWaiter["resolve"] = () => undefined;
  let reject: TWaiter["reject"] = () => undefined;
  const promise = new Promise<TAuthedViewer | null>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/** Looks up the logins behind WebSocket connections (see createConnectionLogins). */
export type ConnectionLogins = {
  viewerOf(token: string | null): Promise<TAuthedViewer | null>;
  /** Drops a login found revoked, so the connection's next call is refused at once, not at maxAge. */
  forget(token: string): void;
  /** Drops a login known by its hash: an API token being revoked, or a login another process announced ended (login-revocations.ts). */
  forgetHash(tokenHash: string): void;
};

/**
 * The logins of long-lived connections (WebSockets), looked up in batches: connections that open in
 * the same moment (thousands reconnecting after a restart) share one query, and a login looked up
 * within `maxAgeMs` is not looked up again. A revoked login is noticed within `maxAgeMs`, the bound
 * within which live streams are ended anyway. Plain HTTP requests never use this: they check the
 * login every time.
 */
export function createConnectionLogins(prisma: PrismaClient, maxAgeMs: number): ConnectionLogins {
  const cache = new Map<string, { viewer: Promise<TAuthedViewer | null>; at: number }>();
  let waiting = new Map<string, TWaiter>();

  async function lookUp(batch: Map<string, TWaiter>) {
    const hashes = [...batch.keys()];
    try {
      const found = new Map<string, TAuthedViewer | null>();
      for (let index = 0; index < hashes.length; index += TOKENS_PER_QUERY) {
        const sessions = await prisma.authSession.findMany({
          where: { tokenHash: { in: hashes.slice(index, index + TOKENS_PER_QUERY) } },
          select: viewerSelect,
        });
        for (const session of sessions) found.set(session.tokenHash, usableViewer(session));
      }
      for (const [hash, waiter] of batch) waiter.resolve(found.get(hash) ?? null);
    } catch (error) {
      for (const waiter of batch.values()) waiter.reject(error);
    }
  }

  function forget(olderThan: number) {
    for (const [hash, entry] of cache) if (entry.at < olderThan) cache.delete(hash);
  }

  return {
    viewerOf(token) {
      if (!token) return Promise.resolve(null);
      const hash = hashToken(token);
      const now = performance.now();
      const cached = cache.get(hash);
      if (cached && now - cached.at < maxAgeMs) return cached.viewer;
      if (waiting.size === 0) {
        // Every connection that asks before the next turn of the event loop shares this query.
        setImmediate(() => {
          const batch = waiting;
          waiting = new Map();
          forget(performance.now() - maxAgeMs);
          void lookUp(batch);
        });
      }
      const waiter = waiting.get(hash) ?? createWaiter();
      waiting.set(hash, waiter);
      const entry = { viewer: waiter.promise, at: now };
      cache.set(hash, entry);
      // A failed lookup (the database unreachable) is not remembered.
      waiter.promise.catch(() => {
        if (cache.get(hash) === entry) cache.delete(hash);
      });
      return waiter.promise;
    },
    forget(token) {
      cache.delete(hashToken(token));
    },
    forgetHash(tokenHash) {
      cache.delete(tokenHash);
    },
  };
}

type SessionWithUser = {
  id: string;
  apiToken: { id: string; scopes: string[] } | null;
  user: {
    id: string;
    name: string;
    email: string;
    role: Parameters<typeof roleToApi>[0];
    isSeniorTech: boolean;
    active: boolean;
    deletedAt: Date | null;
    account: { id: string; name: string };
    team: { id: string; name: string } | null;
  };
};

function toViewer({ id, user, apiToken }: SessionWithUser): TAuthedViewer {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: roleToApi(user.role),
    isSeniorTech: user.isSeniorTech,
    account: { id: user.account.id, name: user.account.name },
    team: user.team ? { id: user.team.id, name: user.team.name } : null,
    accountId: user.account.id,
    authSessionId: id,
    token: apiToken ? { id: apiToken.id, scopes: parseScopes(apiToken.scopes) } : null,
  };
}
