// Types of build-freshness.mjs, for packages that import it without allowJs (apps/web's browser
// tests, through the server's testing helpers).
export type TBuild = { outputs: string[]; sources: string[] };
export const SERVER_BUILD: TBuild;
export const PRODUCTION_BUILD: TBuild[];
export function staleBuildReason(root: string, build?: TBuild | TBuild[]): string | null;
