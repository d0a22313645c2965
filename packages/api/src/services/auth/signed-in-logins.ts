// The sign-in check's read: the logins behind some token hashes, with what a viewer is made of, by
// the signed_in_logins function (see its migration). Every request runs it, and as a function its
// plan is kept for the connection, which the embedded database does not do for a statement.
import type { PrismaClient, Role } from "@handoff/db";

export type TLogin = {
  id: string;
  tokenHash: string;
  expiresAt: Date;
  apiToken: { id: string; scopes: string[] } | null;
  user: {
    id: string;
    name: string;
    email: string;
    role: Role;
    isSeniorTech: boolean;
    active: boolean;
    deletedAt: Date | null;
    account: { id: string; name: string };
    team: { id: string; name: string } | null;
  };
};

type TLoginRow = {
  authSessionId: string;
  tokenHash: string;
  expiresAt: Date;
  userId: string;
  userName: string;
  email: string;
  role: Role;
  isSeniorTech: boolean;
  active: boolean;
  deletedAt: Date | null;
  accountId: string;
  accountName: string;
  teamId: string | null;
  teamName: string | null;
  apiTokenId: string | null;
  apiTokenScopes: string[] | null;
};

/** The logins found, in no particular order; an unknown hash finds none. */
export async function findSignedInLogins(
  prisma: Pick<PrismaClient, "$queryRaw">,
  tokenHashes: string[],
): Promise<TLogin[]> {
  const rows = await prisma.$queryRaw<TLoginRow[]>`
    SELECT * FROM signed_in_logins(${tokenHashes}::text[])`;
  return rows.map(toLogin);
}

function toLogin(row: TLoginRow): TLogin {
  return {
    id: row.authSessionId,
    tokenHash: row.tokenHash,
    expiresAt: row.expiresAt,
    apiToken: row.apiTokenId ? { id: row.apiTokenId, scopes: row.apiTokenScopes ?? [] } : null,
    user: {
      id: row.userId,
      name: row.userName,
      email: row.email,
      role: row.role,
      isSeniorTech: row.isSeniorTech,
      active: row.active,
      deletedAt: row.deletedAt,
      account: { id: row.accountId, name: row.accountName },
      team: row.teamId && row.teamName !== null ? { id: row.teamId, name: row.teamName } : null,
    },
  };
}
