// "SSO only": once the owner turns it on, a password signs nobody in but the owner, who keeps it
// as the way back in when the identity provider is down or misconfigured. Asked only after the
// password matched, so the answer tells nothing to someone guessing.
import type { PrismaClient } from "@handoff/db";

export async function isPasswordSignInOff(
  prisma: Pick<PrismaClient, "ssoConnection">,
  user: { accountId: string; role: string },
): Promise<boolean> {
  if (user.role === "OWNER") return false;
  const connection = await prisma.ssoConnection.findUnique({
    where: { accountId: user.accountId },
    select: { isSsoOnly: true },
  });
  return connection?.isSsoOnly === true;
}
