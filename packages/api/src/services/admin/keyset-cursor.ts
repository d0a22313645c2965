// Opaque keyset cursors for lists newest first by (time, id): paging never repeats or skips rows
// when rows are added meanwhile. A cursor that does not parse is a clear BAD_REQUEST.
import { AppError } from "../../domain/app-error.ts";

export type TKeysetPosition = { at: Date; id: string };

export function formatKeysetCursor(position: TKeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString("base64url");
}

export function parseKeysetCursor(cursor: string): TKeysetPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const date = new Date(String(at));
    if (typeof id === "string" && typeof at === "string" && !Number.isNaN(date.getTime())) {
      return { at: date, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("BAD_REQUEST", "That page cursor is not valid; reload the list.");
}
