// Logins: argon2id passwords, DB-backed sessions that store only a sha256 of the token.
// Never reveals whether an email exists.
import { createHash, randomBytes } from "node:crypto";
import { hashPassword, type PrismaClient, verifyPassword } from "@handoff/db";
import { AppError } from "../domain/app-error.ts";
import { roleToApi } from "../domain/enum-mapping.ts";
import type { TViewer } from "../schemas/outputs.ts";
import type { LoginProtection } from "./login-protection.ts";

export type TAuthedViewer = TViewer & { accountId: string; authSessionId: string };

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

const viewerInclude = { user: { include: { account: true, team: true } } } as const;

export async function login(
  deps: { prisma: PrismaClient; loginProtection: LoginProtection; authSessionTtlMs: number },
  input: { email: string; password: string; clientIp: string; deviceToken: string | null },
): Promise<{ viewer: TAuthedViewer; token: string; expiresAt: Date; deviceToken: string }> {
  const attempt = await deps.loginProtection.admit(input);
  const user = await deps.prisma.user.findUnique({ where: { email: input.email } });
  const usableUser = user?.active && user.deletedAt === null ? user : null;
  const isMatch = await verifyPassword(usableUser?.passwordHash ?? (await getDecoyHash()), input.password);
  if (!usableUser || !isMatch) {
    await attempt.failed();
    throw new AppError("UNAUTHORIZED", INVALID_LOGIN);
  }

  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + deps.authSessionTtlMs);
  const session = await deps.prisma.authSession.create({
    data: { tokenHash: hashToken(token), userId: usableUser.id, expiresAt },
    include: viewerInclude,
  });
  const deviceToken = await attempt.succeeded();
  return { viewer: toViewer(session), token, expiresAt, deviceToken };
}

export async function logout(prisma: PrismaClient, token: string | null): Promise<void> {
  if (!token) return;
  await prisma.authSession.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/** The signed-in user behind a token, or null when the token is unknown, expired or the user is gone. */
export async function resolveViewer(
  prisma: PrismaClient,
  token: string | null,
): Promise<TAuthedViewer | null> {
  if (!token) return null;
  const session = await prisma.authSession.findUnique({
    where: { tokenHash: hashToken(token) },
    include: viewerInclude,
  });
  if (!session || session.expiresAt <= new Date()) return null;
  if (!session.user.active || session.user.deletedAt !== null) return null;
  return toViewer(session);
}

/** The login of one long-lived connection (a WebSocket): looked up once, then again once it is older than `maxAgeMs`. */
export type ConnectionLogin = { viewer(): Promise<TAuthedViewer | null> };

/**
 * Calls on one WebSocket share one login lookup instead of one each, so a client that opens many
 * calls (or thousands that reconnect at once) costs one query per connection. A revoked login is
 * noticed within `maxAgeMs`, the same bound within which live streams are ended.
 */
export function createConnectionLogin(
  prisma: PrismaClient,
  token: string | null,
  maxAgeMs: number,
): ConnectionLogin {
  let cached: { viewer: Promise<TAuthedViewer | null>; at: number } | null = null;
  return {
    viewer() {
      if (!cached || performance.now() - cached.at >= maxAgeMs) {
        const lookup = resolveViewer(prisma, token);
        const entry = { viewer: lookup, at: performance.now() };
        cached = entry;
        // A failed lookup (the database unreachable) is not remembered.
        lookup.catch(() => {
          if (cached === entry) cached = null;
        });
      }
      return cached.viewer;
    },
  };
}

type SessionWithUser = {
  id: string;
  user: {
    id: string;
    name: string;
    email: string;
    role: Parameters<typeof roleToApi>[0];
    isSeniorTech: boolean;
    account: { id: string; name: string };
    team: { id: string; name: string } | null;
  };
};

function toViewer({ id, user }: SessionWithUser): TAuthedViewer {
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
  };
}
