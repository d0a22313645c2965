// Event ids are `<epoch>:<seq>`: the epoch is fixed per account event log, so an id from a
// log that was reset is recognised instead of silently skipping events.
export type TEventPosition = { epoch: string; seq: number };

export function formatEventId({ epoch, seq }: TEventPosition): string {
  return `${epoch}:${seq}`;
}

/** Returns null for anything that is not a well-formed id. */
export function parseEventId(id: string): TEventPosition | null {
  const separator = id.lastIndexOf(":");
  if (separator <= 0) return null;
  const seq = Number(id.slice(separator + 1));
  if (!Number.isSafeInteger(seq) || seq < 0) return null;
  return { epoch: id.slice(0, separator), seq };
}
