// An account's single sign-on settings, for its admins: read (never the client secret), save
// (the secret sealed under SECRETS_KEY, the issuer checked by reading its discovery document),
// remove. The switches that widen who gets in (auto-create, SSO only) are the owner's alone, and
// an admin who changes the provider cannot use it to sign in as the owner (isOwnerTrusted).
import type { PrismaClient, SsoConnection } from "@handoff/db";
import { AppError, isUniqueViolation } from "../../../domain/app-error.ts";
import type { TSsoConnectionView, TSsoUpdate } from "../../../schemas/sso.ts";
import { recordAudit, type TAuditSource } from "../../audit/record-audit.ts";
import type { SecretBox } from "../../psa/secret-box.ts";
import type { TAuthedViewer } from "../auth-service.ts";
import { describeOidcFailure, discover } from "./oidc-client.ts";
import { openClientSecret, type SsoDeps, sealClientSecret, ssoRedirectUri } from "./sso-deps.ts";

type TDeps = { prisma: PrismaClient; sso: SsoDeps; appOrigin: string };
type TViewerRef = Pick<TAuthedViewer, "accountId" | "role">;

const NO_SECRETS_KEY_MESSAGE =
  "This server has no SECRETS_KEY, so it cannot keep a client secret. Whoever runs Handoff must set it first (see docs/operations.md, Configuration).";

export async function getSsoConnection(deps: TDeps, viewer: TViewerRef): Promise<TSsoConnectionView> {
  const connection = await deps.prisma.ssoConnection.findUnique({ where: { accountId: viewer.accountId } });
  return viewOf(deps, connection);
}

export async function saveSsoConnection(
  deps: TDeps,
  viewer: TViewerRef,
  input: TSsoUpdate,
  source: TAuditSource,
): Promise<TSsoConnectionView> {
  const secrets = deps.sso.secrets;
  if (!secrets) throw new AppError("PRECONDITION_FAILED", NO_SECRETS_KEY_MESSAGE);
  const existing = await deps.prisma.ssoConnection.findUnique({ where: { accountId: viewer.accountId } });
  const isOwner = viewer.role === "owner";
  assertOwnerSwitches(isOwner, existing, input);

  const isSameClient = existing?.issuerUrl === input.issuerUrl && existing.clientId === input.clientId;
  if (!input.clientSecret && !(existing && isSameClient)) {
    throw new AppError(
      "BAD_REQUEST",
      existing
        ? "Enter the client secret again: the stored one is only ever sent to the issuer and client it was entered for."
        : "Enter the client secret.",
    );
  }
  const isProviderChanged = !isSameClient || Boolean(input.clientSecret);
  const clientSecret = input.clientSecret || (existing ? openSecretForAdmin(secrets, existing) : "");
  if (isProviderChanged) await assertIssuerWorks(deps.sso, { ...input, clientSecret });

  const settings = {
    slug: input.slug,
    issuerUrl: input.issuerUrl,
    clientId: input.clientId,
    allowedDomains: input.allowedDomains,
    isAutoCreateEnabled: input.isAutoCreateEnabled,
    isSsoOnly: input.isSsoOnly,
    isOwnerTrusted: isOwner || (!isProviderChanged && existing?.isOwnerTrusted === true),
  };
  const data = { ...settings, sealedClientSecret: sealClientSecret(secrets, viewer.accountId, clientSecret) };
  try {
    const saved = await deps.prisma.$transaction(async (tx) => {
      await recordAudit(tx, source, {
        action: "sso.settings_changed",
        details: { change: "saved", ...settings, isSecretEntered: Boolean(input.clientSecret) },
      });
      return tx.ssoConnection.upsert({
        where: { accountId: viewer.accountId },
        create: { accountId: viewer.accountId, ...data },
        update: data,
      });
    });
    return viewOf(deps, saved);
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("CONFLICT", `The sign-in name "${input.slug}" is taken: choose another.`);
    throw error;
  }
}

export async function removeSsoConnection(
  deps: TDeps,
  viewer: TViewerRef,
  source: TAuditSource,
): Promise<void> {
  if (viewer.role !== "owner")
    throw new AppError(
      "FORBIDDEN",
      "Only the owner can remove single sign-on (it may be how everyone signs in).",
    );
  await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.ssoConnection.deleteMany({ where: { accountId: viewer.accountId } });
    if (count === 0) throw new AppError("NOT_FOUND", "This account has no single sign-on.");
    await recordAudit(tx, source, { action: "sso.settings_changed", details: { change: "removed" } });
  });
}

function assertOwnerSwitches(isOwner: boolean, existing: SsoConnection | null, input: TSsoUpdate) {
  if (isOwner) return;
  if (input.isAutoCreateEnabled !== (existing?.isAutoCreateEnabled ?? false))
    throw new AppError("FORBIDDEN", "Only the owner can turn creating logins at first sign-in on or off.");
  if (input.isSsoOnly !== (existing?.isSsoOnly ?? false))
    throw new AppError("FORBIDDEN", 'Only the owner can turn "SSO only" on or off.');
}

function openSecretForAdmin(secrets: SecretBox, connection: SsoConnection): string {
  try {
    return openClientSecret(secrets, connection);
  } catch {
    throw new AppError(
      "BAD_REQUEST",
      "The stored client secret cannot be opened with this server's SECRETS_KEY: enter it again.",
    );
  }
}

async function assertIssuerWorks(
  sso: SsoDeps,
  settings: { issuerUrl: string; clientId: string; clientSecret: string },
) {
  try {
    await discover(sso.http, settings);
  } catch (error) {
    throw new AppError(
      "BAD_REQUEST",
      `Could not use ${settings.issuerUrl} as an OpenID Connect issuer: ${describeOidcFailure(error)}.`,
    );
  }
}

function viewOf(deps: TDeps, connection: SsoConnection | null): TSsoConnectionView {
  return {
    isSecretsKeySet: deps.sso.secrets !== null,
    redirectUri: ssoRedirectUri(deps.appOrigin),
    connection: connection && {
      slug: connection.slug,
      issuerUrl: connection.issuerUrl,
      clientId: connection.clientId,
      hasClientSecret: true,
      allowedDomains: connection.allowedDomains,
      isAutoCreateEnabled: connection.isAutoCreateEnabled,
      isSsoOnly: connection.isSsoOnly,
      isOwnerTrusted: connection.isOwnerTrusted,
      updatedAt: connection.updatedAt.toISOString(),
    },
  };
}
