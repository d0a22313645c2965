// Single sign-on, both legs: begin (find the account's provider from an email or sign-in name,
// send the browser there) and finish (check the provider's answer, match the person by verified
// email within that account, start the same login a password starts). Never signs anyone into
// an account other than the one the sign-in began for, and never creates a user unless the owner
// allowed it for that email's domain.
import { randomBytes } from "node:crypto";
import { hashPassword, type PrismaClient, type SsoConnection } from "@handoff/db";
import { isUniqueViolation } from "../../../domain/app-error.ts";
import { acceptInvitationBySso } from "../../admin/invitations.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";
import type { SecretBox } from "../../psa/secret-box.ts";
import { startAuthSession, type TAuthedViewer } from "../auth-service.ts";
import {
  authorizationUrl,
  discover,
  exchangeCode,
  newSignInChecks,
  SsoRefusedError,
  type TSsoHttp,
  type TSsoIdentity,
} from "./oidc-client.ts";
import { openSignInFlow, safeNextPath, sealSignInFlow } from "./sign-in-flow.ts";
import { openClientSecret, type SsoDeps, ssoRedirectUri } from "./sso-deps.ts";

type TDeps = { prisma: PrismaClient; sso: SsoDeps; appOrigin: string; authSessionTtlMs: number };
/** Where the browser finishing a sign-in is, for the audit log. */
type TClient = { ip: string; userAgent: string | null };

/** Where to send the browser, and the sealed flow to keep in its cookie until the callback. */
export async function beginSsoSignIn(
  deps: TDeps,
  input: { identifier: string; next: string | null },
): Promise<{ redirectTo: URL; sealedFlow: string }> {
  const secrets = deps.sso.secrets;
  if (!secrets) throw new SsoRefusedError("not_configured", "the server has no SECRETS_KEY");
  const identifier = input.identifier.trim().toLowerCase();
  const connection = await findConnection(deps.prisma, identifier);
  const config = await discoverFor(deps.sso.http, secrets, connection);
  const checks = newSignInChecks();
  const redirectTo = await authorizationUrl(config, {
    redirectUri: ssoRedirectUri(deps.appOrigin),
    checks,
    loginHint: identifier.includes("@") ? identifier : null,
  });
  const sealedFlow = sealSignInFlow(
    secrets,
    { accountId: connection.accountId, checks, next: safeNextPath(input.next) },
    Date.now(),
  );
  return { redirectTo, sealedFlow };
}

/** Checks the provider's answer and signs the person in; throws SsoRefusedError otherwise. */
export async function finishSsoSignIn(
  deps: TDeps,
  input: { callbackUrl: URL; sealedFlow: string | null; client: TClient },
): Promise<{ viewer: TAuthedViewer; token: string; expiresAt: Date; next: string | null }> {
  const secrets = deps.sso.secrets;
  const flow = secrets && openSignInFlow(secrets, input.sealedFlow, Date.now());
  if (!secrets || !flow) throw new SsoRefusedError("expired", "no sign-in in progress in this browser");
  const connection = await deps.prisma.ssoConnection.findUnique({ where: { accountId: flow.accountId } });
  if (!connection) throw new SsoRefusedError("not_configured", "single sign-on was removed meanwhile");
  const config = await discoverFor(deps.sso.http, secrets, connection);
  const identity = await exchangeCode(config, input.callbackUrl, flow.checks);
  const user = await matchUser(deps.prisma, connection, identity, input.client);
  // No second factor here: the identity provider is where SSO users prove it (docs/security.md).
  const started = await deps.prisma.$transaction(async (tx) => {
    const login = await startAuthSession({ prisma: tx, authSessionTtlMs: deps.authSessionTtlMs }, user.id);
    await recordAudit(tx, auditSource(user, input.client), {
      action: "auth.sign_in",
      details: { method: "sso" },
    });
    return login;
  });
  return { ...started, next: flow.next };
}

function discoverFor(http: TSsoHttp, secrets: SecretBox, connection: SsoConnection) {
  const settings = {
    issuerUrl: connection.issuerUrl,
    clientId: connection.clientId,
    clientSecret: openClientSecret(secrets, connection),
  };
  return discover(http, settings).catch((error: unknown) => {
    throw new SsoRefusedError("unavailable", "the provider's discovery document could not be read", {
      cause: error,
    });
  });
}

/**
 * The account whose provider signs this person in: the one where the email has a login, else the
 * one that lets people of the email's domain join by SSO; or the account with that sign-in name.
 */
async function findConnection(prisma: PrismaClient, identifier: string): Promise<SsoConnection> {
  const notConfigured = new SsoRefusedError("not_configured", `no single sign-on for "${identifier}"`);
  if (!identifier.includes("@")) {
    return (await prisma.ssoConnection.findUnique({ where: { slug: identifier } })) ?? throwIt(notConfigured);
  }
  const users = await prisma.user.findMany({
    where: { email: identifier, deletedAt: null },
    select: { account: { select: { ssoConnection: true } } },
  });
  const candidates =
    users.length > 0
      ? users.flatMap((user) => (user.account.ssoConnection ? [user.account.ssoConnection] : []))
      : await prisma.ssoConnection.findMany({
          where: { isAutoCreateEnabled: true, allowedDomains: { has: domainOf(identifier) } },
          take: 2,
        });
  if (candidates.length > 1) throw new SsoRefusedError("ambiguous", `several accounts for "${identifier}"`);
  return candidates[0] ?? throwIt(notConfigured);
}

type TMatchedUser = { id: string; email: string; accountId: string };

function auditSource(user: TMatchedUser, client: TClient): TAuditSource {
  return { accountId: user.accountId, actor: { id: user.id, email: user.email }, ...client };
}

/**
 * The login of this verified email within the connection's account, created when the owner allows
 * it. A refused existing user gets an audit row, as a refused password does.
 */
async function matchUser(
  prisma: PrismaClient,
  connection: SsoConnection,
  identity: TSsoIdentity,
  client: TClient,
): Promise<TMatchedUser> {
  const { email } = identity;
  if (!email || !identity.isEmailVerified) {
    throw new SsoRefusedError("unverified", `the provider did not verify ${email ?? "an email"}`);
  }
  const unknown = new SsoRefusedError("unknown_user", `${email} has no active login in this account`);
  const user = await prisma.user.findFirst({ where: { email, accountId: connection.accountId } });
  if (user) {
    if (user.deletedAt !== null) throw unknown;
    const refuse = async (reason: string, error: SsoRefusedError): Promise<never> => {
      await recordAudit(prisma, auditSource(user, client), {
        action: "auth.sign_in_failed",
        details: { method: "sso", reason },
      });
      throw error;
    };
    if (user.role === "OWNER" && !connection.isOwnerTrusted)
      await refuse(
        "owner_untrusted",
        new SsoRefusedError("owner_untrusted", "the provider was last changed by an admin"),
      );
    // An invited user joins by signing in; a deactivated one (no open invitation) stays out.
    if (!user.active && !(await acceptInvitationBySso(prisma, user.id)))
      await refuse("inactive_user", unknown);
    return user;
  }
  if (!connection.isAutoCreateEnabled || !connection.allowedDomains.includes(domainOf(email))) throw unknown;
  try {
    const created = await prisma.user.create({
      data: {
        accountId: connection.accountId,
        email,
        name: identity.name ?? email.split("@")[0] ?? email,
        role: "ENGINEER",
        // Nobody knows this password: the user signs in by SSO until they are sent a reset.
        passwordHash: await hashPassword(randomBytes(32).toString("base64url")),
      },
    });
    return created;
  } catch (error) {
    // The email has a login in another account.
    if (isUniqueViolation(error)) throw unknown;
    throw error;
  }
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1);
}

function throwIt(error: Error): never {
  throw error;
}
