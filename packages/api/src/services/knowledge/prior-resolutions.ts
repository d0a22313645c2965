// What the account's own resolved sessions say about a session, in words: the fix the closest
// matches share ("In 3 similar sessions the fix was: …"), the fixes not yet tried here, and the
// matches as the language model sees them (no names of people).
import type { TBranchNode, TSimilarSession } from "../../schemas/outputs.ts";
import { phrase } from "../assistant/text-phrase.ts";

/**
 * Below this session.similar score a match shares words, not a problem: the rules do not quote it
 * and the model is not shown it. A match from another domain sharing two words scores about 0.5;
 * one of the same domain with the same symptom in other words about 0.7, in the same words 0.9 and up.
 */
export const MIN_PRIOR_SCORE = 0.6;
/** How many matches the assessment reads. */
export const PRIOR_RESOLUTIONS = 3;

export type TPriorSessionRef = { sessionId: string; problemSummary: string };

/** The matches close enough to quote, best first. */
export function closeMatches(matches: TSimilarSession[]): TSimilarSession[] {
  return matches.filter((match) => match.score >= MIN_PRIOR_SCORE).slice(0, PRIOR_RESOLUTIONS);
}

/** What fixed a resolved session: its resolved branch, else its resolution note. */
export function fixOf(match: TSimilarSession): string | null {
  const text = match.fix?.label ?? match.resolution;
  return text ? phrase(text) : null;
}

/**
 * The likely cause from the closest matches: the fix of the best one, counted over the matches
 * that share it, with who resolved the latest of them and when. null when none is close.
 */
export function likelyCauseFromMatches(
  matches: TSimilarSession[],
  now: number,
): { text: string; sessions: TSimilarSession[] } | null {
  const [best] = matches;
  const fix = best && fixOf(best);
  if (!best || !fix) return null;
  const sharing = matches.filter((match) => sameText(fixOf(match), fix));
  const latest = sharing.reduce((a, b) => (Date.parse(b.resolvedAt) > Date.parse(a.resolvedAt) ? b : a));
  const who = [latest.resolvedBy?.name, daysAgo(latest.resolvedAt, now)].filter(Boolean).join(", ");
  const where =
    sharing.length > 1
      ? `In ${sharing.length} similar sessions`
      : `In a similar session ("${phrase(best.problemSummary)}")`;
  return { text: `${where} the fix was: ${fix} — ${who}.`, sessions: sharing };
}

/** Fixes of the matches not tried in this session yet (no branch of that name), each once. */
export function untriedFixes(matches: TSimilarSession[], branches: TBranchNode[]): string[] {
  const tried = branches.map((branch) => branch.label);
  const fixes: string[] = [];
  for (const match of matches) {
    const fix = fixOf(match);
    if (fix && !tried.some((label) => sameText(label, fix)) && !fixes.some((seen) => sameText(seen, fix))) {
      fixes.push(fix);
    }
  }
  return fixes;
}

/** The matches as the model's data section holds them: a ref to cite, facts and fixes, no names. */
export function priorResolutionsForModel(matches: TSimilarSession[], now: number) {
  return matches.map((match, index) => ({
    ref: priorRef(index),
    problemSummary: match.problemSummary,
    problemDomain: match.problemDomain,
    resolved: daysAgo(match.resolvedAt, now),
    fix: match.fix,
    resolution: match.resolution,
  }));
}

/** The model cites a match by its ref ("P1" is the best match). */
export function priorRef(index: number): string {
  return `P${index + 1}`;
}

/** The matches the model cited, by ref; unknown refs are ignored. */
export function citedMatches(refs: string[], matches: TSimilarSession[]): TPriorSessionRef[] {
  return matches
    .filter((_, index) => refs.some((ref) => ref.trim().toUpperCase() === priorRef(index)))
    .map(toPriorSessionRef);
}

export function toPriorSessionRef(match: TSimilarSession): TPriorSessionRef {
  return { sessionId: match.sessionId, problemSummary: match.problemSummary };
}

function daysAgo(at: string, now: number): string {
  const days = Math.floor((now - Date.parse(at)) / 86_400_000);
  if (days <= 0) return "today";
  return days === 1 ? "yesterday" : `${days} days ago`;
}

function sameText(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}
