// Personal API tokens: created (the secret returned once), listed, revoked. A token is a login
// (AuthSession) whose sha256 is all that is stored, plus this row's name, scopes and last use, so
// every login check (HTTP, WebSocket, live-stream re-checks) serves tokens as it serves cookies.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@handoff/db";
import type { CoreDeps } from "../../../core-deps.ts";
import { AppError } from "../../../domain/app-error.ts";
import { parseScopes } from "../../../domain/token-scopes.ts";
import type { TApiToken, TApiTokenStatus, TCreateApiTokenInput } from "../../../schemas/api-tokens.ts";
import { API_TOKEN_PREFIX } from "../../../shared/api-token-options.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";
import { type ConnectionLogins, hashToken } from "../auth-service.ts";
import { announceLoginsRevoked } from "../login-revocations.ts";
import type { LoginWatcher } from "../login-watch.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** "hnd_" and four characters of the secret: enough to tell tokens apart, far too few to guess. */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 4;

type TTokenOwner = { id: string; accountId: string };
type TDeps = Pick<CoreDeps, "prisma" | "bus" | "logger"> & {
  connectionLogins: ConnectionLogins;
  logins: LoginWatcher;
  /** Who acts and from where, for the audit log. */
  source: TAuditSource;
};

export async function createApiToken(
  deps: TDeps,
  owner: TTokenOwner,
  input: TCreateApiTokenInput,
  now: Date,
): Promise<{ token: TApiToken; secret: string }> {
  const secret = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const expiresAt = new Date(now.getTime() + input.lifetimeDays * DAY_MS);
  const row = await deps.prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        name: input.name,
        scopes: parseScopes(input.scopes),
        displayPrefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
        expiresAt,
        createdAt: now,
        user: { connect: { id: owner.id } },
        authSession: { create: { tokenHash: hashToken(secret), userId: owner.id, expiresAt } },
      },
    });
    await recordAudit(tx, deps.source, {
      action: "api_token.created",
      target: apiTokenTarget(created),
      details: { scopes: created.scopes, expiresAt: created.expiresAt.toISOString() },
    });
    return created;
  });
  return { token: toApiToken(row, now), secret };
}

export async function listApiTokens(
  prisma: PrismaClient,
  owner: TTokenOwner,
  now: Date,
): Promise<TApiToken[]> {
  const rows = await prisma.apiToken.findMany({
    where: { userId: owner.id },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => toApiToken(row, now));
}

/** Ends the token's login at once; revoking one already revoked or ended changes nothing. */
export async function revokeApiToken(
  deps: TDeps,
  owner: TTokenOwner,
  tokenId: string,
  now: Date,
): Promise<TApiToken> {
  const { row, endedLogin } = await deps.prisma.$transaction(async (tx) => {
    const found = await tx.apiToken.findFirst({ where: { id: tokenId, userId: owner.id } });
    if (!found) throw new AppError("NOT_FOUND", "No such token: it may belong to someone else.");
    if (found.revokedAt) return { row: found, endedLogin: null };
    const endedLogin = found.authSessionId
      ? await tx.authSession.delete({ where: { id: found.authSessionId } })
      : null;
    const revoked = await tx.apiToken.update({
      where: { id: found.id },
      data: { revokedAt: now, authSessionId: null },
    });
    await recordAudit(tx, deps.source, { action: "api_token.revoked", target: apiTokenTarget(revoked) });
    return { row: revoked, endedLogin };
  });
  // This process's open sockets notice at once (their next call, their live streams); every other
  // replica's on the bus's announcement, as for a sign-out (the re-check stays the fallback).
  if (endedLogin) {
    deps.connectionLogins.forgetHash(endedLogin.tokenHash);
    deps.logins.checkNow();
    announceLoginsRevoked(deps, [endedLogin.tokenHash]);
  }
  return toApiToken(row, now);
}

function apiTokenTarget(row: { id: string; name: string }) {
  return { type: "api_token", id: row.id, label: row.name };
}

type TApiTokenRow = {
  id: string;
  name: string;
  scopes: string[];
  displayPrefix: string;
  authSessionId: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
};

function statusOf(row: TApiTokenRow, now: Date): TApiTokenStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt <= now) return "expired";
  return row.authSessionId ? "active" : "ended";
}

function toApiToken(row: TApiTokenRow, now: Date): TApiToken {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    displayPrefix: row.displayPrefix,
    status: statusOf(row, now),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: row.lastUsedIp,
  };
}
