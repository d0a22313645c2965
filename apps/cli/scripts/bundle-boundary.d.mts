export function serverModulesIn(inputs: string[]): string[];
