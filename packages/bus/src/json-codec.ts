// JSON encoding of bus messages, shared by both buses so the memory bus behaves exactly like Redis
// (a Date arrives as a string on both). Rejects what JSON cannot carry instead of sending something else.

export function encodeMessage(message: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(message);
  } catch (error) {
    throw new TypeError(`A bus message must be JSON-serialisable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new TypeError(`A bus message must be JSON-serialisable, got ${typeof message}.`);
  }
  return text;
}

export function decodeMessage<T>(text: string): T {
  return JSON.parse(text) as T;
}
