export * from "./api-tokens.ts";
export * from "./audit.ts";
export * from "./enums.ts";
export * from "./inputs.ts";
export type * from "./outputs.ts";
export * from "./psa.ts";
export * from "./sso.ts";
export * from "./two-factor.ts";
export * from "./webhooks.ts";
