// Constants the web app shares with the schemas: input limits and enum values. Zod-free, so the
// browser can load them without the schemas (see ../client-contract.ts).
export const LIMITS = {
  notes: 4000,
  problemSummary: 300,
  problemDomain: 80,
  psaTicketId: 64,
  psaTicketUrlTemplate: 500,
  branchLabel: 120,
  entryBody: 20_000,
  outcome: 1000,
  resolution: 4000,
  search: 100,
  pageSize: 100,
  similarSessions: 20,
  idempotencyKey: 100,
  email: 254,
  password: 200,
  pushEndpoint: 2048,
  deviceLabel: 80,
  newPasswordMin: 10,
  personName: 100,
  teamName: 60,
  accountName: 100,
} as const;

/** Lowest to highest: the queue shows the highest first. */
export const HANDOFF_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
