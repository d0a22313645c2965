// Types of workspace-source-map.mjs.
export function withoutPackageMappings(mapText: string): string;
