// What single sign-on needs from the server, and what its settings and its sign-ins share: the
// redirect URI registered at the provider, and the client secret sealed at rest.
import type { SsoConnection } from "@handoff/db";
import type { SecretBox } from "../../psa/secret-box.ts";
import { SsoRefusedError, type TSsoHttp } from "./oidc-client.ts";

export type SsoDeps = {
  /** Null when the server has no SECRETS_KEY: no provider can be saved, so none signs anyone in. */
  secrets: SecretBox | null;
  http: TSsoHttp;
};

export const SSO_START_PATH = "/auth/sso/start";
export const SSO_CALLBACK_PATH = "/auth/sso/callback";

export const ssoRedirectUri = (appOrigin: string) => `${appOrigin}${SSO_CALLBACK_PATH}`;

/** Sealed apart from PSA credentials, so neither can be passed off as the other. */
const secretBinding = (accountId: string) => `sso-client-secret:${accountId}`;

export function sealClientSecret(secrets: SecretBox, accountId: string, clientSecret: string): string {
  return secrets.seal(clientSecret, secretBinding(accountId));
}

export function openClientSecret(secrets: SecretBox, connection: SsoConnection): string {
  try {
    return secrets.open(connection.sealedClientSecret, secretBinding(connection.accountId));
  } catch (error) {
    throw new SsoRefusedError("unavailable", "the stored client secret does not open with SECRETS_KEY", {
      cause: error,
    });
  }
}
