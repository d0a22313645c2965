// Role order: each role can do what the ones below it can.
import type { TRole } from "../schemas/enums.ts";

const ROLE_RANK: Record<TRole, number> = { viewer: 0, engineer: 1, admin: 2, owner: 3 };

export function hasRoleAtLeast(role: TRole, minimum: TRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}
