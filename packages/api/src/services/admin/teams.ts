// The account's teams: list (every member sees them, e.g. to pick one for a session), create and
// rename (ADMIN+). Names are unique per account; another account's team is NOT_FOUND.
import type { PrismaClient } from "@handoff/db";
import { AppError, isUniqueViolation } from "../../domain/app-error.ts";
import type { TTeamSummary } from "../../schemas/outputs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";

type TActor = Pick<TAuthedViewer, "accountId">;

const teamSelect = {
  id: true,
  name: true,
  createdAt: true,
  _count: { select: { users: { where: { active: true, deletedAt: null } } } },
} as const;

function toTeamSummary(team: { id: string; name: string; createdAt: Date; _count: { users: number } }) {
  return {
    id: team.id,
    name: team.name,
    memberCount: team._count.users,
    createdAt: team.createdAt.toISOString(),
  };
}

function nameTaken(name: string): AppError {
  return new AppError("CONFLICT", `There is already a team called "${name}".`);
}

export async function listTeams(prisma: PrismaClient, actor: TActor): Promise<TTeamSummary[]> {
  const teams = await prisma.team.findMany({
    where: { accountId: actor.accountId },
    select: teamSelect,
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return teams.map(toTeamSummary);
}

export async function createTeam(prisma: PrismaClient, actor: TActor, name: string): Promise<TTeamSummary> {
  try {
    const team = await prisma.team.create({ data: { accountId: actor.accountId, name }, select: teamSelect });
    return toTeamSummary(team);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}

export async function renameTeam(
  prisma: PrismaClient,
  actor: TActor,
  input: { teamId: string; name: string },
): Promise<TTeamSummary> {
  const team = await prisma.team.findFirst({ where: { id: input.teamId, accountId: actor.accountId } });
  if (!team) throw new AppError("NOT_FOUND", "No team with that id in your account.");
  try {
    const renamed = await prisma.team.update({
      where: { id: team.id },
      data: { name: input.name },
      select: teamSelect,
    });
    return toTeamSummary(renamed);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}
