// The assessment written without a language model: rules applied to the snapshot (the line still
// open, what was ruled out, the domain, the steps) and to the account's resolved sessions most like
// it. It never guesses a cause it cannot see: the cause it names is what fixed those sessions, with
// who fixed it and when; without them it says what is known, and that nothing similar was solved.
import type { THandoffPriority } from "../../schemas/enums.ts";
import type {
  TAssessment,
  TAssessmentLevel,
  TSessionSnapshot,
  TSimilarSession,
} from "../../schemas/outputs.ts";
import {
  closeMatches,
  likelyCauseFromMatches,
  toPriorSessionRef,
  untriedFixes,
} from "../knowledge/prior-resolutions.ts";
import { phrase } from "./text-phrase.ts";

export type TAssessmentInput = {
  priority: THandoffPriority;
  notes: string | null;
  snapshot: TSessionSnapshot;
  /** The account's resolved sessions most like this one (session.similar), best first. */
  similar: TSimilarSession[];
};

/** The assessment's fields, without who wrote it and when. */
export type TAssessmentFields = Pick<
  TAssessment,
  "likelyCause" | "nextChecks" | "risk" | "riskReason" | "missingInformation" | "confidence" | "priorSessions"
>;

/** A first check per kind of problem, found by words in the session's domain. */
const DOMAIN_CHECKS: Array<{ words: RegExp; check: string }> = [
  {
    words: /\b(network\w*|wi-?fi|vpn|dns|dhcp|firewall|internet|lan|wan)\b/,
    check: "Check link, IP configuration, DNS resolution and the gateway from an affected machine",
  },
  {
    words: /\b(e-?mail|mail(box)?|exchange|outlook|smtp)\b/,
    check: "Trace a failing message (message trace / mail logs) and check the mailbox's rules and quota",
  },
  { words: /\bprint/, check: "Check the print queue and spooler, and print a test page from the server" },
  {
    words: /\b(accounts?|identity|log-?in|sign-in|passwords?|mfa|active directory|entra|azure ad)\b/,
    check: "Check the account's lockout state, sign-in logs and MFA registration",
  },
  {
    words: /\b(disks?|storage|raid|backups?|nas|san)\b/,
    check: "Check the storage health (SMART, RAID status) and the last good backup before changing anything",
  },
  {
    words: /\b(servers?|hardware|hyper-v|vmware|virtual\w*)\b/,
    check: "Check the host's event logs and resource use (CPU, memory, disk) around when it started",
  },
  {
    words: /\b(software|apps?|applications?|updates?|install\w*|licen\w*)\b/,
    check: "Check the application's logs and recent updates or licence changes",
  },
];
const NOTHING_SIMILAR = "No similar session has been resolved in this account yet.";
const GENERIC_CHECK = "Reproduce the problem and record the exact error message and when it happens";

export function assessByRules(input: TAssessmentInput, now: number = Date.now()): TAssessmentFields {
  const { snapshot } = input;
  const matches = closeMatches(input.similar);
  const known = likelyCauseFromMatches(matches, now);
  const active = snapshot.branches.find((branch) => branch.id === snapshot.activeBranchId) ?? null;
  const open = snapshot.branches.filter((branch) => branch.status === "open" && branch.id !== active?.id);
  const deadEnds = snapshot.branches.filter((branch) => branch.status === "dead_end");
  const domain = snapshot.problemDomain.toLowerCase();

  const ruledOut = deadEnds.length > 0 ? ` Ruled out: ${deadEnds.map(describeBranch).join("; ")}.` : "";
  const likelyCause = known
    ? `${known.text}${ruledOut}`
    : active
      ? `Not known yet; the line still being followed is "${phrase(active.label)}".${ruledOut} ${NOTHING_SIMILAR}`
      : `Not known yet: no line of enquiry was open for this ${snapshot.problemDomain} problem.${ruledOut} ${NOTHING_SIMILAR}`;

  const nextChecks = [
    ...untriedFixes(matches, snapshot.branches)
      .slice(0, 2)
      .map((fix) => `Try what fixed a similar session: ${fix}`),
    ...(active ? [`Pick up where it stopped: ${phrase(active.label)}`] : []),
    ...open.slice(0, 2).map((branch) => `Finish the open line: ${phrase(branch.label)}`),
    DOMAIN_CHECKS.find((entry) => entry.words.test(domain))?.check ?? GENERIC_CHECK,
  ];

  const { risk, riskReason } = riskOf(input, deadEnds.length);
  const missingInformation = [
    ...(snapshot.psaTicketId ? [] : ["The PSA ticket for this session"]),
    ...(input.notes ? [] : ["The engineer's own account of the problem (no notes were left)"]),
    ...(snapshot.stepCount === 0 ? ["What was tried so far (no steps were recorded)"] : []),
    ...deadEnds
      .filter((branch) => !branch.outcome)
      .map((branch) => `What ruled out "${phrase(branch.label)}" (no outcome was recorded)`),
    ...(snapshot.recentMessages.length === 0 ? ["Error messages or logs from the affected system"] : []),
  ];
  return {
    likelyCause,
    nextChecks,
    risk,
    riskReason,
    missingInformation,
    // The team fixed it this way more than once: worth more than a guess, less than a diagnosis.
    confidence: known && known.sessions.length > 1 ? "medium" : "low",
    priorSessions: known ? known.sessions.map(toPriorSessionRef) : [],
  };
}

function riskOf(input: TAssessmentInput, deadEnds: number): { risk: TAssessmentLevel; riskReason: string } {
  if (input.priority === "urgent") return { risk: "high", riskReason: "Escalated as urgent." };
  if (deadEnds >= 3) {
    return { risk: "high", riskReason: `${deadEnds} lines of enquiry were dead ends: the cause is elusive.` };
  }
  if (input.priority === "high") return { risk: "medium", riskReason: "Escalated as high priority." };
  if (input.snapshot.stepCount >= 10) {
    return { risk: "medium", riskReason: `${input.snapshot.stepCount} steps in, without a fix.` };
  }
  return { risk: "low", riskReason: "Nothing in the session points to an outage or data at risk." };
}

function describeBranch(branch: { label: string; outcome: string | null }): string {
  return branch.outcome ? `${phrase(branch.label)} (${phrase(branch.outcome)})` : phrase(branch.label);
}
