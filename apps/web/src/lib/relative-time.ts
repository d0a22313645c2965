// Dates as people read them on cards and pages; relative ages come from the shared schemas.
export { formatRelativeTime } from "@handoff/api/client-contract";

export function formatDateTime(at: string | Date): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
