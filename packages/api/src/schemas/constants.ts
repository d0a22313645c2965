// Constants the web app shares with the schemas: input limits and enum values. Zod-free, so the
// browser can load them without the schemas (see ../helpers.ts).
export const LIMITS = {
  notes: 4000,
  problemSummary: 300,
  problemDomain: 80,
  idempotencyKey: 100,
  email: 254,
  password: 200,
} as const;

/** Lowest to highest: the queue shows the highest first. */
export const HANDOFF_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
