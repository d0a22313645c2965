// An account's PSA connection: read (never the secret), save (the secret sealed under
// SECRETS_KEY), test with a real authenticated request, remove. Also builds the provider a job
// talks to, and the start-up check that stored credentials can be opened.
import type { PrismaClient, PsaConnection, PsaProvider as TDbPsaProvider } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import type {
  THaloOutcome,
  TPsaConnectionSettings,
  TPsaConnectionView,
  TPsaProvider,
  TPsaTestResult,
  TPsaUpdate,
} from "../../schemas/psa.ts";
import { recordAudit, type TAuditSource } from "../audit/record-audit.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { connectWiseSite, createConnectWiseProvider } from "./connectwise.ts";
import { createHaloProvider } from "./halopsa.ts";
import type { PsaProvider, TPsaHttp } from "./psa-provider.ts";
import type { SecretBox } from "./secret-box.ts";

export type PsaDeps = {
  /** Null when the server has no SECRETS_KEY: connections can be neither saved nor used. */
  secrets: SecretBox | null;
  http: TPsaHttp;
};

type TDeps = { prisma: PrismaClient; psa: PsaDeps };
type TViewerRef = Pick<TAuthedViewer, "accountId">;

export const NO_SECRETS_KEY_MESSAGE =
  "This server has no SECRETS_KEY, so it cannot keep PSA credentials. Whoever runs Handoff must set it first (see docs/operations.md, Configuration).";

const providerToApi = (provider: TDbPsaProvider): TPsaProvider =>
  provider === "CONNECTWISE" ? "connectwise" : "halopsa";
const providerToDb = (provider: TPsaProvider): TDbPsaProvider =>
  provider === "connectwise" ? "CONNECTWISE" : "HALOPSA";
const PROVIDER_NAMES: Record<TPsaProvider, string> = { connectwise: "ConnectWise PSA", halopsa: "HaloPSA" };

export async function getPsaConnection(deps: TDeps, viewer: TViewerRef): Promise<TPsaConnectionView> {
  const connection = await deps.prisma.psaConnection.findUnique({ where: { accountId: viewer.accountId } });
  return { isSecretsKeySet: deps.psa.secrets !== null, connection: connection && toView(connection) };
}

export async function savePsaConnection(
  deps: TDeps,
  viewer: TViewerRef,
  input: TPsaUpdate,
  source: TAuditSource,
): Promise<TPsaConnectionView> {
  const secrets = deps.psa.secrets;
  if (!secrets) throw new AppError("PRECONDITION_FAILED", NO_SECRETS_KEY_MESSAGE);
  const existing = await deps.prisma.psaConnection.findUnique({ where: { accountId: viewer.accountId } });
  const normalised = settingsOf(input, existing && toSettings(existing));
  // Stored without the provider, which has its own column.
  const { provider: _provider, ...settings } = normalised;
  const secret = input.provider === "connectwise" ? input.privateKey : input.clientSecret;
  let sealedSecret: string;
  if (secret) {
    sealedSecret = secrets.seal(secret, viewer.accountId);
  } else if (existing && providerToApi(existing.provider) === input.provider) {
    // The stored secret only ever goes where it was entered for: a new address needs it again,
    // or an admin could send the owner's key to a host of their choosing.
    if (!isSameDestination(toSettings(existing), normalised)) {
      throw new AppError(
        "BAD_REQUEST",
        `Enter the ${secretName(input.provider)} again: the PSA's address changed, and the stored one is only sent to the address it was entered for.`,
      );
    }
    sealedSecret = existing.sealedSecret;
  } else {
    throw new AppError(
      "BAD_REQUEST",
      `Enter the ${secretName(input.provider)}: there is none stored for ${PROVIDER_NAMES[input.provider]} yet.`,
    );
  }
  const data = {
    provider: providerToDb(input.provider),
    settings,
    sealedSecret,
    // New settings have not been tested yet.
    lastTestAt: null,
    lastTestOk: null,
    lastTestMessage: null,
  };
  const saved = await deps.prisma.$transaction(async (tx) => {
    await recordAudit(tx, source, {
      action: "psa.connection_saved",
      details: { provider: input.provider, settings, isSecretEntered: Boolean(secret) },
    });
    return tx.psaConnection.upsert({
      where: { accountId: viewer.accountId },
      create: { accountId: viewer.accountId, ...data },
      update: data,
    });
  });
  return { isSecretsKeySet: true, connection: toView(saved) };
}

export async function removePsaConnection(
  deps: TDeps,
  viewer: TViewerRef,
  source: TAuditSource,
): Promise<void> {
  await deps.prisma.$transaction(async (tx) => {
    const removed = await tx.psaConnection.deleteMany({ where: { accountId: viewer.accountId } });
    if (removed.count === 0) throw new AppError("NOT_FOUND", "This account has no PSA connection.");
    await recordAudit(tx, source, { action: "psa.connection_removed" });
  });
}

/** "Test connection": one real authenticated request to the PSA; the outcome is kept and shown. */
export async function testPsaConnection(deps: TDeps, viewer: TViewerRef): Promise<TPsaTestResult> {
  const connection = await deps.prisma.psaConnection.findUnique({ where: { accountId: viewer.accountId } });
  if (!connection) throw new AppError("NOT_FOUND", "This account has no PSA connection: save one first.");
  const provider = providerFor(deps.psa, connection);
  const result = provider.ok
    ? await provider.value.test(AbortSignal.timeout(deps.psa.http.timeoutMs * 2))
    : provider;
  const at = new Date();
  const outcome = result.ok ? { isOk: true, message: result.value } : { isOk: false, message: result.error };
  // Only the settings we tested: a save meanwhile has reset the result, and keeps it reset.
  await deps.prisma.psaConnection.updateMany({
    where: { id: connection.id, updatedAt: connection.updatedAt },
    data: { lastTestAt: at, lastTestOk: outcome.isOk, lastTestMessage: outcome.message },
  });
  return { at: at.toISOString(), ...outcome };
}

/** The outcomes a HaloPSA note may be given, from the connected instance (for the admin to pick one). */
export async function listHaloOutcomes(deps: TDeps, viewer: TViewerRef): Promise<THaloOutcome[]> {
  const connection = await deps.prisma.psaConnection.findUnique({ where: { accountId: viewer.accountId } });
  if (connection?.provider !== "HALOPSA")
    throw new AppError(
      "NOT_FOUND",
      "This account is not connected to HaloPSA: save a HaloPSA connection first.",
    );
  const provider = providerFor(deps.psa, connection);
  if (!provider.ok) throw new AppError("PRECONDITION_FAILED", provider.error);
  const result = await provider.value.noteOutcomes?.(AbortSignal.timeout(deps.psa.http.timeoutMs * 2));
  // The PSA's answer (unreachable, credentials refused…) is what the admin needs to see.
  if (result && !result.ok) throw new AppError("PRECONDITION_FAILED", result.error);
  return result?.value ?? [];
}

/** The provider for a stored connection; fails (without retry) when its secret cannot be opened. */
export function providerFor(
  psa: PsaDeps,
  connection: PsaConnection,
): { ok: true; value: PsaProvider } | { ok: false; error: string; isRetryable: false; retryAfterMs: null } {
  if (!psa.secrets)
    return { ok: false, error: NO_SECRETS_KEY_MESSAGE, isRetryable: false, retryAfterMs: null };
  let secret: string;
  try {
    secret = psa.secrets.open(connection.sealedSecret, connection.accountId);
  } catch {
    return {
      ok: false,
      error:
        "The stored PSA credentials cannot be opened with this server's SECRETS_KEY: an admin must enter them again.",
      isRetryable: false,
      retryAfterMs: null,
    };
  }
  const settings = toSettings(connection);
  if (settings.provider === "connectwise") {
    return { ok: true, value: createConnectWiseProvider({ ...settings, privateKey: secret }, psa.http) };
  }
  const cacheKey = `${connection.id}:${connection.updatedAt.getTime()}`;
  return { ok: true, value: createHaloProvider({ ...settings, clientSecret: secret }, psa.http, cacheKey) };
}

/**
 * Why the server must not start, or null: connections exist but SECRETS_KEY is missing, or it is
 * not the key they were sealed with (their notes could never be sent).
 */
export async function checkPsaSecrets(
  prisma: PrismaClient,
  secrets: SecretBox | null,
): Promise<string | null> {
  const connections = await prisma.psaConnection.findMany({
    select: { accountId: true, sealedSecret: true },
    take: 20,
  });
  if (connections.length === 0) return null;
  if (!secrets) {
    return "SECRETS_KEY is not set, but PSA connections are stored with credentials sealed under it. Set SECRETS_KEY to the key they were saved with (see docs/operations.md, Configuration).";
  }
  const unreadable = connections.filter((connection) => {
    try {
      secrets.open(connection.sealedSecret, connection.accountId);
      return false;
    } catch {
      return true;
    }
  });
  if (unreadable.length === 0) return null;
  return "SECRETS_KEY does not open the stored PSA credentials: it is not the key they were saved with. Set the original key, or have an admin of each account enter the credentials again after removing the connection.";
}

export function toSettings(connection: PsaConnection): TPsaConnectionSettings {
  const provider = providerToApi(connection.provider);
  // Halo connections saved before outcomes could be picked have none.
  const defaults = provider === "halopsa" ? { noteOutcome: null } : {};
  return { ...defaults, ...(connection.settings as object), provider } as TPsaConnectionSettings;
}

const secretName = (provider: TPsaProvider) => (provider === "connectwise" ? "private key" : "client secret");

/** Whether the secret (and the tokens it buys) would go to the same origins and paths as before. */
function isSameDestination(before: TPsaConnectionSettings, after: TPsaConnectionSettings): boolean {
  const destinations = (settings: TPsaConnectionSettings) =>
    (settings.provider === "connectwise"
      ? [settings.siteUrl]
      : [settings.baseUrl, settings.authUrl ?? `${settings.baseUrl}/auth`]
    ).map((url) => new URL(url).href);
  const [was, now] = [destinations(before), destinations(after)];
  return was.length === now.length && was.every((url, index) => url === now[index]);
}

/** The non-secret fields, normalised; a Halo note outcome left out keeps the stored one. */
function settingsOf(input: TPsaUpdate, stored: TPsaConnectionSettings | null): TPsaConnectionSettings {
  if (input.provider === "connectwise") {
    return {
      provider: "connectwise",
      siteUrl: connectWiseSite(input.siteUrl),
      companyId: input.companyId,
      publicKey: input.publicKey,
      clientId: input.clientId,
    };
  }
  return {
    provider: "halopsa",
    baseUrl: input.baseUrl.replace(/\/+$/, "").replace(/\/api$/i, ""),
    authUrl: input.authUrl ? input.authUrl.replace(/\/+$/, "").replace(/\/token$/i, "") : null,
    tenant: input.tenant || null,
    clientId: input.clientId,
    noteOutcome:
      input.noteOutcome !== undefined
        ? input.noteOutcome
        : stored?.provider === "halopsa"
          ? stored.noteOutcome
          : null,
  };
}

function toView(connection: PsaConnection): NonNullable<TPsaConnectionView["connection"]> {
  return {
    ...toSettings(connection),
    hasSecret: true,
    lastTest:
      connection.lastTestAt && connection.lastTestOk !== null
        ? {
            at: connection.lastTestAt.toISOString(),
            isOk: connection.lastTestOk,
            message: connection.lastTestMessage ?? "",
          }
        : null,
    updatedAt: connection.updatedAt.toISOString(),
  };
}
