// Event ids are `<epoch>:<seq>`: the epoch is fixed per account event log, so an id from a
// log that was reset is recognised instead of silently skipping events. Shared with the web app.
export type TEventPosition = { epoch: string; seq: number };

export function formatEventId({ epoch, seq }: TEventPosition): string {
  return `${epoch}:${seq}`;
}

/** Returns null for anything that is not a well-formed id. */
export function parseEventId(id: string): TEventPosition | null {
  const match = /^(.+):(\d{1,15})$/.exec(id);
  if (!match?.[1] || !match[2]) return null;
  return { epoch: match[1], seq: Number(match[2]) };
}
