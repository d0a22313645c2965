export * from "./constants.ts";
export * from "./enums.ts";
export * from "./event-id.ts";
export * from "./inputs.ts";
export type * from "./outputs.ts";
export * from "./psa.ts";
export * from "./relative-time.ts";
export * from "./sla.ts";
