// "Sam Ortiz claimed this 12 s ago": the CONFLICT message a losing claimer reads.
import { formatRelativeTime } from "../../shared/relative-time.ts";

export function describeClaim(claimerName: string, claimedAt: Date, now: Date): string {
  return `${claimerName} claimed this ${formatRelativeTime(claimedAt, now.getTime())}.`;
}
