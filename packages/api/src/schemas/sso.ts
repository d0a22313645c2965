// Inputs and outputs of an account's single sign-on settings (sso.*). Imports no server code.
// The client secret goes in and never comes back out: outputs carry only that one is stored.
import { z } from "zod";

/** https (http only where the server allows local issuers, checked when saving). */
const ZIssuerUrl = z
  .string()
  .trim()
  .min(1, "Enter the issuer URL")
  .max(300, "The issuer URL can be at most 300 characters")
  .refine((text) => {
    if (!URL.canParse(text)) return false;
    const url = new URL(text);
    const isPlain = !url.username && !url.password && !url.search && !url.hash;
    return isPlain && (url.protocol === "https:" || url.protocol === "http:");
  }, "The issuer URL is an https:// address, such as https://login.microsoftonline.com/<tenant id>/v2.0")
  .transform((text) => text.replace(/\/+$/, ""));

const ZDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, "A domain can be at most 253 characters")
  .refine(
    (value) => /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(value),
    "A domain is a name such as contoso.com",
  );

export const ZSsoUpdateInput = z.object({
  /** What members may type on the login page instead of their email. */
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .refine(
      (value) => /^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/.test(value),
      "The sign-in name is 3 to 40 letters, digits or dashes, such as contoso",
    ),
  issuerUrl: ZIssuerUrl,
  clientId: z
    .string()
    .trim()
    .min(1, "Enter the client id")
    .max(200, "The client id can be at most 200 characters")
    .refine((value) => !/[\s\p{Cc}]/u.test(value), "The client id cannot contain spaces"),
  /** Blank (or absent) keeps the stored secret, but only while the issuer and client id stay the same. */
  clientSecret: z
    .string()
    .trim()
    .max(1000, "The client secret can be at most 1000 characters")
    .refine((value) => !/\p{Cc}/u.test(value), "The client secret cannot contain control characters")
    .optional(),
  allowedDomains: z
    .array(ZDomain)
    .max(20, "At most 20 domains")
    .transform((domains) => [...new Set(domains)]),
  /** Owner only: people of the allowed domains get a login (ENGINEER) at their first sign-in. */
  isAutoCreateEnabled: z.boolean(),
  /** Owner only: password sign-in is off for everyone but the owner. */
  isSsoOnly: z.boolean(),
});
export type TSsoUpdateInput = z.input<typeof ZSsoUpdateInput>;
export type TSsoUpdate = z.output<typeof ZSsoUpdateInput>;

// ---- outputs ---------------------------------------------------------------------------------

export type TSsoConnectionView = {
  /** False when the server has no SECRETS_KEY: no provider can be saved. */
  isSecretsKeySet: boolean;
  /** What to register at the provider as the redirect (reply) URI. */
  redirectUri: string;
  connection: {
    slug: string;
    issuerUrl: string;
    clientId: string;
    hasClientSecret: true;
    allowedDomains: string[];
    isAutoCreateEnabled: boolean;
    isSsoOnly: boolean;
    /** False while an admin's change of provider waits for the owner to save it again. */
    isOwnerTrusted: boolean;
    updatedAt: string;
  } | null;
};
