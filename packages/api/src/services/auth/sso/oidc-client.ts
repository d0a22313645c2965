// The one module that talks OpenID Connect (openid-client): discovery, the authorization URL
// with PKCE, and the code exchange whose ID token the library checks (signature, issuer,
// audience, expiry, nonce). Every request it makes goes through the private-network guard
// unless whoever runs Handoff allows local issuers (a provider on this machine, in tests).
import * as oidc from "openid-client";
import type { TSsoRefusal } from "../../../shared/sso-refusals.ts";
import { createGuardedFetch, type TGuardedFetch } from "../../outbound/guarded-fetch.ts";
import { PrivateAddressError } from "../../outbound/private-address.ts";

export type TSsoHttp = {
  /** From createIssuerFetch. */
  fetch: oidc.CustomFetch;
  /** Plain http and this machine's or a private network's addresses are allowed (tests, labs only). */
  allowLocalIssuers: boolean;
  timeoutMs: number;
};

export type TOidcClientSettings = { issuerUrl: string; clientId: string; clientSecret: string };

/** What one sign-in must remember between the redirect and the callback. */
export type TSignInChecks = { state: string; nonce: string; codeVerifier: string };

/** The claims Handoff uses, from the ID token and, where it lacks them, the userinfo endpoint. */
export type TSsoIdentity = {
  subject: string;
  email: string | null;
  isEmailVerified: boolean;
  name: string | null;
};

/** A sign-in the provider or its answer refused; `refusal` is what the person is told. */
export class SsoRefusedError extends Error {
  override name = "SsoRefusedError";
  constructor(
    readonly refusal: TSsoRefusal,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const SCOPES = "openid email profile";

/** A message without the library's internals, for an admin saving the settings. */
export function describeOidcFailure(error: unknown): string {
  if (error instanceof oidc.ClientError) {
    if (error.code === "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED")
      return "its discovery document names another issuer: enter the issuer exactly as the provider writes it";
    if (error.code === "OAUTH_HTTP_REQUEST_FORBIDDEN") return "it must be reached over https";
    // The guard's refusal and network failures arrive wrapped, without a code.
    if (error.code === undefined && error.cause instanceof Error) return describeOidcFailure(error.cause);
  }
  // The guard's refusal (a name's lookup or an IP literal) says all there is to say on its own.
  if (error instanceof TypeError && error.cause instanceof PrivateAddressError) return error.cause.message;
  if (error instanceof TypeError && error.cause instanceof Error)
    return `${error.message} (${error.cause.message})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The fetch every request to an issuer goes through. Unless local issuers are allowed: https only,
 * through the private-network guard a PSA's requests go through (createGuardedFetch).
 */
export function createIssuerFetch(options: { allowLocalIssuers: boolean }): oidc.CustomFetch {
  if (options.allowLocalIssuers) return (url, init) => fetch(url, init as RequestInit);
  const guardedFetch = createGuardedFetch({ allowPrivateHosts: false });
  return async (url, init) => {
    const { protocol, host } = new URL(url);
    if (protocol !== "https:") throw new Error(`${host} must be reached over https`);
    // undici's types are its own (and the DOM lib's differ again); openid-client accepts its Response
    // (it checks a response by its tag, not its class).
    const response = await guardedFetch(url, init as Parameters<TGuardedFetch>[1]);
    return response as unknown as Response;
  };
}

/** Reads the provider's discovery document: fails when the issuer is unreachable, refused or not what it says. */
export function discover(http: TSsoHttp, settings: TOidcClientSettings): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(settings.issuerUrl),
    settings.clientId,
    settings.clientSecret,
    oidc.ClientSecretPost(settings.clientSecret),
    {
      [oidc.customFetch]: http.fetch,
      execute: http.allowLocalIssuers ? [oidc.allowInsecureRequests] : [],
      timeout: Math.ceil(http.timeoutMs / 1000),
    },
  );
}

export function newSignInChecks(): TSignInChecks {
  return {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
  };
}

export async function authorizationUrl(
  config: oidc.Configuration,
  request: { redirectUri: string; checks: TSignInChecks; loginHint: string | null },
): Promise<URL> {
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: request.redirectUri,
    scope: SCOPES,
    response_type: "code",
    state: request.checks.state,
    nonce: request.checks.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(request.checks.codeVerifier),
    code_challenge_method: "S256",
    ...(request.loginHint ? { login_hint: request.loginHint } : {}),
  });
}

/**
 * Exchanges the callback's code (with the PKCE verifier) and returns who signed in. `callbackUrl`
 * is the URL the provider sent the browser to, as the provider saw it (the public origin).
 */
export async function exchangeCode(
  config: oidc.Configuration,
  callbackUrl: URL,
  checks: TSignInChecks,
): Promise<TSsoIdentity> {
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      pkceCodeVerifier: checks.codeVerifier,
      idTokenExpected: true,
    });
  } catch (error) {
    throw classify(error);
  }
  const idToken = tokens.claims();
  if (!idToken) throw new SsoRefusedError("rejected", "the provider returned no ID token");
  // Some providers put the email only in userinfo (oidc-provider by default, Entra ID without the
  // optional claim); the ID token wins where both have a claim. The library checks userinfo's `sub`.
  const isVerificationStated = idToken.email_verified !== undefined || idToken.xms_edov !== undefined;
  const needsUserInfo =
    config.serverMetadata().userinfo_endpoint !== undefined &&
    (idToken.email === undefined || !isVerificationStated);
  const userInfo = needsUserInfo
    ? await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub).catch((error: unknown) => {
        throw classify(error);
      })
    : {};
  const claims: Record<string, unknown> = { ...userInfo, ...idToken };
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : null;
  return {
    subject: idToken.sub,
    email: email || null,
    // Entra ID states domain ownership as `xms_edov` (an optional claim) instead of email_verified.
    isEmailVerified: claims.email_verified === true || claims.xms_edov === true,
    name: typeof claims.name === "string" && claims.name.trim() ? claims.name.trim() : null,
  };
}

function classify(error: unknown): SsoRefusedError {
  if (error instanceof oidc.AuthorizationResponseError)
    return new SsoRefusedError("provider", `the provider answered ${error.error}`, { cause: error });
  if (error instanceof oidc.ClientError) {
    const inner = error.cause as { message?: string; cause?: { claim?: string } } | undefined;
    if (error.code === "OAUTH_JWT_CLAIM_COMPARISON_FAILED" && inner?.cause?.claim === "nonce")
      return new SsoRefusedError("nonce", "the ID token's nonce is not this sign-in's", { cause: error });
    if (error.code === "OAUTH_INVALID_RESPONSE" && inner?.message?.includes('"state"'))
      return new SsoRefusedError("state", "the answer's state is not this sign-in's", { cause: error });
  }
  const isNetwork =
    error instanceof TypeError || (error instanceof oidc.ClientError && error.code === "OAUTH_TIMEOUT");
  return new SsoRefusedError(isNetwork ? "unavailable" : "rejected", describeOidcFailure(error), {
    cause: error,
  });
}
