// The demo data of the embedded default: two tenants ("Acme MSP", "Globex") with every role and
// realistic MSP troubleshooting sessions. Seeds only an empty database; all passwords are "demo".
import type { Prisma, PrismaClient, Role } from "./generated/prisma/client.ts";
import { hashPassword } from "./passwords.ts";
import { createSessionTree, type SessionSpec } from "./session-tree.ts";

export const DEMO_PASSWORD = "demo";

export type DemoLogin = {
  email: string;
  name: string;
  role: Role;
  isSeniorTech: boolean;
  accountName: string;
  password: string;
};
export type SeedResult = { seeded: boolean; logins: DemoLogin[] };

// Serialises concurrent seeders (two processes starting on one empty database).
const SEED_LOCK_KEY = 4_826_301;

type DemoUser = { key: string; email: string; name: string; role: Role; isSeniorTech?: boolean };
type UserIdOf = (key: string) => string;
type DemoAccount = {
  name: string;
  teams: string[];
  users: DemoUser[];
  sessions: (userId: UserIdOf, teamIds: string[]) => Omit<SessionSpec, "accountId">[];
};

const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    name: "Acme MSP",
    teams: ["Service Desk", "Infrastructure"],
    users: [
      { key: "owner", email: "owner@acme.test", name: "Dana Whitfield", role: "OWNER" },
      { key: "admin", email: "admin@acme.test", name: "Marcus Reed", role: "ADMIN" },
      { key: "alice", email: "alice@acme.test", name: "Alice Moreno", role: "ENGINEER" },
      { key: "bob", email: "bob@acme.test", name: "Bob Tanaka", role: "ENGINEER" },
      { key: "sam", email: "sam@acme.test", name: "Sam Ortiz", role: "ENGINEER", isSeniorTech: true },
      { key: "sara", email: "sara@acme.test", name: "Sara Lindqvist", role: "ENGINEER", isSeniorTech: true },
      { key: "viewer", email: "viewer@acme.test", name: "Victor Hale", role: "VIEWER" },
    ],
    sessions: (u, [serviceDesk, infrastructure]) => [
      {
        ownerId: u("alice"),
        teamId: serviceDesk,
        problemSummary: "Outlook won't connect after the Microsoft 365 migration",
        problemDomain: "Microsoft 365 / Exchange Online",
        confidenceTier: "MEDIUM",
        psaTicketId: "CW-48213",
        messages: [
          {
            body: "Since Friday's cutover, 6 of 40 users at Harbor Dental get a credential prompt loop in Outlook.",
            authorId: u("alice"),
          },
        ],
        branches: [
          {
            label: "Rebuild the Outlook profile",
            status: "DEAD_END",
            outcome: "New profile hits the same credential loop.",
            messages: [
              {
                body: "Created a fresh profile on FRONTDESK-02; loop returns.",
                authorId: u("alice"),
                kind: "STEP",
              },
            ],
          },
          {
            label: "Autodiscover still resolves to on-prem Exchange",
            messages: [
              {
                body: "Test-OutlookConnectivity shows autodiscover answered by mail.harbordental.local.",
                authorId: u("alice"),
                kind: "STEP",
              },
            ],
            children: [
              {
                label: "Fix the autodiscover CNAME in public DNS",
                status: "DEAD_END",
                outcome: "CNAME already points to autodiscover.outlook.com.",
              },
              {
                label: "Remove the on-prem SCP lookup on domain-joined PCs",
                isActive: true,
                messages: [
                  {
                    body: "Outlook queries the AD service connection point first; testing ExcludeScpLookup via GPO on one PC.",
                    authorId: u("alice"),
                    kind: "STEP",
                  },
                ],
              },
            ],
          },
        ],
      },
      // Solved before: Bob's VPN escalation (demo-handoffs.ts) finds these as its likely cause.
      {
        ownerId: u("sam"),
        teamId: infrastructure,
        problemSummary: "VPN disconnects every 10 minutes for home workers at Harbor Dental",
        problemDomain: "Network / VPN",
        status: "RESOLVED",
        resolution:
          "The ISP router dropped idle UDP 4500 NAT sessions after 600 s; NAT keep-alive and a 20 s DPD keep the tunnel up.",
        confidenceTier: "HIGH",
        psaTicketId: "CW-47702",
        startedMinutesAgo: 12 * 24 * 60 + 120,
        branches: [
          {
            label: "Reinstall FortiClient on an affected laptop",
            status: "DEAD_END",
            outcome: "Same drops after the reinstall.",
          },
          {
            label: "Enable NAT keep-alive and lower DPD to 20 s",
            status: "RESOLVED",
            isActive: true,
            outcome: "No drops over a full working day.",
            messages: [
              {
                body: "Drops every 600 s: matches the ISP router's UDP NAT timeout. Set keep-alive 10 s, DPD 20 s on the FortiGate.",
                authorId: u("sam"),
                kind: "STEP",
              },
            ],
          },
        ],
      },
      {
        ownerId: u("sara"),
        teamId: infrastructure,
        problemSummary: "Remote staff VPN tunnel drops when idle",
        problemDomain: "Network / VPN",
        status: "RESOLVED",
        resolution: "Idle tunnels timed out in the ISP's NAT; NAT keep-alive fixed it.",
        confidenceTier: "MEDIUM",
        startedMinutesAgo: 41 * 24 * 60,
        branches: [
          {
            label: "Switch the tunnel to TCP 443",
            status: "DEAD_END",
            outcome: "Fewer drops for a day, then the same again.",
          },
          {
            label: "Enable NAT keep-alive and lower DPD to 20 s",
            status: "RESOLVED",
            isActive: true,
            outcome: "Stable since the change.",
          },
        ],
      },
      {
        ownerId: u("bob"),
        teamId: infrastructure,
        problemSummary: "VPN drops every 10 minutes for remote staff",
        problemDomain: "Network / VPN",
        confidenceTier: "LOW",
        psaTicketId: "CW-48240",
        messages: [
          {
            body: "FortiClient users at Pine Valley Law disconnect at ~10 minute intervals.",
            authorId: u("bob"),
          },
        ],
        branches: [
          {
            label: "Check the IPsec phase 2 key lifetime",
            status: "DEAD_END",
            outcome: "Lifetime is 43200 s on both ends; rekeys are clean.",
          },
          {
            label: "ISP-side NAT session timeout",
            isActive: true,
            messages: [
              {
                body: "Drops line up with UDP 4500 idle at 600 s on the ISP router; trying DPD at 30 s.",
                authorId: u("bob"),
                kind: "STEP",
              },
              {
                body: "Consider switching the tunnel to TCP 443 to rule out UDP NAT.",
                authorKind: "ASSISTANT",
              },
            ],
          },
        ],
      },
      {
        ownerId: u("alice"),
        teamId: serviceDesk,
        problemSummary: "Print queue stuck on the front-desk HP LaserJet",
        problemDomain: "Printing",
        status: "RESOLVED",
        resolution:
          "A corrupt 300-page PDF blocked the spooler; cleared the spool folder and the user reprinted.",
        confidenceTier: "HIGH",
        psaTicketId: "CW-48198",
        startedMinutesAgo: 26 * 60,
        branches: [
          {
            label: "Restart the Print Spooler service",
            status: "DEAD_END",
            outcome: "Jobs re-queue and stick again within a minute.",
          },
          {
            label: "Clear the spool folder and the stuck job",
            status: "RESOLVED",
            isActive: true,
            outcome:
              "A corrupt 300-page PDF job blocked the queue; cleared C:\\Windows\\System32\\spool\\PRINTERS.",
            messages: [
              {
                body: "Stopped the spooler, cleared the stuck job, restarted.",
                authorId: u("alice"),
                kind: "STEP",
              },
              { body: "Queue is printing again; user confirmed.", authorId: u("alice") },
            ],
          },
        ],
      },
      {
        ownerId: u("sam"),
        assigneeId: u("sam"),
        teamId: infrastructure,
        problemSummary: "Domain controller replication errors between HQ and the branch office",
        problemDomain: "Active Directory",
        confidenceTier: "LOW",
        psaTicketId: "CW-48251",
        messages: [
          {
            body: "Events 1311 and 2042 on HQ-DC01; branch DC BR-DC02 last replicated 12 days ago.",
            authorId: u("sam"),
          },
        ],
        branches: [
          {
            label: "repadmin /showrepl to find the failing partner",
            messages: [
              {
                body: "Inbound from BR-DC02 fails with 1722 (RPC server unavailable).",
                authorId: u("sam"),
                kind: "STEP",
              },
            ],
            children: [
              {
                label: "Check the tombstone lifetime",
                status: "DEAD_END",
                outcome: "12 days is well inside the 180-day tombstone lifetime.",
              },
              {
                label: "Check DNS SRV records and RPC ports across the site link",
                isActive: true,
                messages: [
                  {
                    body: "BR-DC02 is missing its _ldap._tcp SRV record; firewall blocks 49152-65535.",
                    authorId: u("sam"),
                    kind: "STEP",
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        ownerId: u("bob"),
        teamId: serviceDesk,
        problemSummary: "Shared mailbox missing for the new hire at Northwind",
        problemDomain: "Microsoft 365 / Exchange Online",
        confidenceTier: "MEDIUM",
        psaTicketId: "CW-48262",
        startedMinutesAgo: 95,
        messages: [
          {
            body: "New hire (j.alvarez) has Full Access on accounts@ but it never appears in Outlook.",
            authorId: u("bob"),
          },
        ],
        branches: [
          {
            label: "Wait for automapping",
            status: "DEAD_END",
            outcome: "Still missing after 2 hours and an Outlook restart.",
            messages: [{ body: "Restarted Outlook twice; no mailbox.", authorId: u("bob"), kind: "STEP" }],
          },
          {
            label: "Re-grant Full Access with AutoMapping $true",
            isActive: true,
            messages: [
              {
                body: "Remove-MailboxPermission, then Add-MailboxPermission -AutoMapping $true.",
                authorId: u("bob"),
                kind: "STEP",
              },
            ],
          },
        ],
      },
      {
        ownerId: u("sara"),
        teamId: infrastructure,
        problemSummary: "Intune enrolment fails with 0x80180014 on new laptops",
        problemDomain: "Endpoint / Intune",
        confidenceTier: "MEDIUM",
        psaTicketId: "HALO-2291",
        startedMinutesAgo: 70,
        messages: [
          { body: "Three new Dell laptops at Contoso Clinic fail Autopilot enrolment.", authorId: u("sara") },
        ],
        branches: [
          {
            label: "Device limit per user",
            status: "DEAD_END",
            outcome: "The user has 2 of 15 devices enrolled.",
            messages: [{ body: "Checked the enrolment restrictions.", authorId: u("sara"), kind: "STEP" }],
          },
          {
            label: "Personal device enrolment blocked",
            isActive: true,
            messages: [
              {
                body: "The platform restriction blocks personally owned Windows; devices are not registered as corporate.",
                authorId: u("sara"),
                kind: "STEP",
              },
            ],
            children: [
              {
                label: "Import the hardware hashes into Autopilot",
                messages: [{ body: "Asked the vendor for the CSV of hashes.", authorId: u("sara") }],
              },
            ],
          },
        ],
      },
      {
        ownerId: u("bob"),
        teamId: serviceDesk,
        problemSummary: "Scan to email fails on the Ricoh MFP",
        problemDomain: "Printing / SMTP",
        confidenceTier: "HIGH",
        psaTicketId: "CW-48270",
        startedMinutesAgo: 40,
        branches: [
          {
            label: "Wrong SMTP server on the MFP",
            status: "DEAD_END",
            outcome: "smtp.office365.com:587 with STARTTLS, as it should be.",
          },
          {
            label: "SMTP AUTH disabled for the scanner mailbox",
            isActive: true,
            messages: [
              {
                body: "Exchange Online returns 535 5.7.139; SMTP AUTH is off tenant-wide.",
                authorId: u("bob"),
                kind: "STEP",
              },
              { body: "Customer prefers a connector over enabling SMTP AUTH.", authorId: u("bob") },
            ],
          },
        ],
      },
      {
        ownerId: u("alice"),
        teamId: serviceDesk,
        problemSummary: "BitLocker recovery prompt after a BIOS update",
        problemDomain: "Endpoint / Security",
        status: "RESOLVED",
        resolution:
          "Suspended BitLocker before the BIOS update on the remaining 12 laptops; recovery keys were in Entra ID for the first two.",
        confidenceTier: "HIGH",
        psaTicketId: "CW-48177",
        startedMinutesAgo: 3 * 24 * 60,
        branches: [
          {
            label: "Find the recovery key",
            status: "RESOLVED",
            outcome: "Both keys were escrowed in Entra ID.",
            messages: [
              { body: "Pulled the keys from the Entra device records.", authorId: u("alice"), kind: "STEP" },
            ],
          },
          {
            label: "Stop it happening on the other laptops",
            status: "RESOLVED",
            isActive: true,
            outcome: "Suspend-BitLocker -RebootCount 1 in the update script.",
            messages: [
              {
                body: "Added Suspend-BitLocker to the Dell Command Update job.",
                authorId: u("alice"),
                kind: "STEP",
              },
            ],
          },
        ],
      },
    ],
  },
  {
    name: "Globex",
    teams: ["Helpdesk"],
    users: [
      { key: "owner", email: "owner@globex.test", name: "Grace Okafor", role: "OWNER" },
      { key: "gina", email: "gina@globex.test", name: "Gina Russo", role: "ENGINEER" },
    ],
    sessions: (u, [helpdesk]) => [
      {
        ownerId: u("gina"),
        teamId: helpdesk,
        problemSummary: "QuickBooks company file unreachable from workstations",
        problemDomain: "Line-of-business apps",
        confidenceTier: "MEDIUM",
        branches: [
          {
            label: "Database Server Manager service",
            status: "DEAD_END",
            outcome: "QuickBooksDB service running; restarting it changed nothing.",
          },
          {
            label: "Windows Firewall rules after the update",
            isActive: true,
            messages: [
              {
                body: "Port 8019 closed on ACCT-SRV since last night's patching.",
                authorId: u("gina"),
                kind: "STEP",
              },
            ],
          },
        ],
      },
    ],
  },
];

export async function seedDemo(prisma: PrismaClient): Promise<SeedResult> {
  if ((await prisma.account.count()) > 0) return { seeded: false, logins: [] };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
      if ((await tx.account.count()) > 0) return { seeded: false, logins: [] };
      const logins: DemoLogin[] = [];
      for (const demo of DEMO_ACCOUNTS) {
        logins.push(...(await seedAccount(tx, demo, passwordHash)));
      }
      return { seeded: true, logins };
    },
    { timeout: 60_000 },
  );
}

async function seedAccount(
  tx: Prisma.TransactionClient,
  demo: DemoAccount,
  passwordHash: string,
): Promise<DemoLogin[]> {
  const account = await tx.account.create({ data: { name: demo.name } });
  const teamIds: string[] = [];
  for (const name of demo.teams) {
    teamIds.push((await tx.team.create({ data: { accountId: account.id, name } })).id);
  }
  const userIds = new Map<string, string>();
  for (const user of demo.users) {
    const created = await tx.user.create({
      data: {
        accountId: account.id,
        teamId: user.role === "ENGINEER" ? teamIds[0] : null,
        email: user.email,
        name: user.name,
        role: user.role,
        isSeniorTech: user.isSeniorTech ?? false,
        passwordHash,
      },
    });
    userIds.set(user.key, created.id);
  }
  const userId: UserIdOf = (key) => {
    const id = userIds.get(key);
    if (!id) throw new Error(`Demo data refers to an unknown user "${key}" in ${demo.name}.`);
    return id;
  };
  for (const session of demo.sessions(userId, teamIds)) {
    await createSessionTree(tx, { ...session, accountId: account.id });
  }
  return demo.users.map((user) => ({
    email: user.email,
    name: user.name,
    role: user.role,
    isSeniorTech: user.isSeniorTech ?? false,
    accountName: demo.name,
    password: DEMO_PASSWORD,
  }));
}
