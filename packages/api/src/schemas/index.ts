export * from "./enums.ts";
export * from "./inputs.ts";
export type * from "./outputs.ts";
