// An account's PSA connection: read (never the secret), save (the secret sealed under
// SECRETS_KEY), test with a real authenticated request, remove. Also builds the provider a job
// talks to, and the start-up check that stored credentials can be opened.
import type { PrismaClient, PsaConnection, PsaProvider as TDbPsaProvider } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import type {
  TPsaConnectionSettings,
  TPsaConnectionView,
  TPsaProvider,
  TPsaTestResult,
  TPsaUpdate,
} from "../../schemas/psa.ts";
import type { TAuthedViewer } from "../auth-service.ts";
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
  "This server has no SECRETS_KEY, so it cannot keep PSA credentials. Whoever runs Handoff must set it (see the README) first.";

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
): Promise<TPsaConnectionView> {
  const secrets = deps.psa.secrets;
  if (!secrets) throw new AppError("PRECONDITION_FAILED", NO_SECRETS_KEY_MESSAGE);
  const settings = settingsOf(input);
  const secret = input.provider === "connectwise" ? input.privateKey : input.clientSecret;
  const existing = await deps.prisma.psaConnection.findUnique({ where: { accountId: viewer.accountId } });
  let sealedSecret: string;
  if (secret) {
    sealedSecret = secrets.seal(secret, viewer.accountId);
  } else if (existing && providerToApi(existing.provider) === input.provider) {
    sealedSecret = existing.sealedSecret;
  } else {
    const field = input.provider === "connectwise" ? "private key" : "client secret";
    throw new AppError(
      "BAD_REQUEST",
      `Enter the ${field}: there is none stored for ${PROVIDER_NAMES[input.provider]} yet.`,
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
  const saved = await deps.prisma.psaConnection.upsert({
    where: { accountId: viewer.accountId },
    create: { accountId: viewer.accountId, ...data },
    update: data,
  });
  return { isSecretsKeySet: true, connection: toView(saved) };
}

export async function removePsaConnection(deps: TDeps, viewer: TViewerRef): Promise<void> {
  const { count } = await deps.prisma.psaConnection.deleteMany({ where: { accountId: viewer.accountId } });
  if (count === 0) throw new AppError("NOT_FOUND", "This account has no PSA connection.");
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
    return "SECRETS_KEY is not set, but PSA connections are stored with credentials sealed under it. Set SECRETS_KEY to the key they were saved with (see the README).";
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
  return {
    ...(connection.settings as object),
    provider: providerToApi(connection.provider),
  } as TPsaConnectionSettings;
}

/** The non-secret fields, as stored (the provider has its own column). */
function settingsOf(input: TPsaUpdate): Record<string, string | null> {
  if (input.provider === "connectwise") {
    return {
      siteUrl: connectWiseSite(input.siteUrl),
      companyId: input.companyId,
      publicKey: input.publicKey,
      clientId: input.clientId,
    };
  }
  return {
    baseUrl: input.baseUrl.replace(/\/+$/, "").replace(/\/api$/i, ""),
    authUrl: input.authUrl ? input.authUrl.replace(/\/+$/, "").replace(/\/token$/i, "") : null,
    tenant: input.tenant || null,
    clientId: input.clientId,
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
