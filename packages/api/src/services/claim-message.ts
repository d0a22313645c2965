// "Sam Ortiz claimed this 12 s ago": the CONFLICT message a losing claimer reads.
export function describeClaim(claimerName: string, claimedAt: Date, now: Date): string {
  return `${claimerName} claimed this ${describeAge(now.getTime() - claimedAt.getTime())}.`;
}

function describeAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}
