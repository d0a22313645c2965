// JSON encoding of bus messages, shared by both buses so the memory bus behaves exactly like Redis
// (a Date arrives as a string on both). Rejects what JSON cannot carry instead of sending something else,
// and checks what it reads back with the caller's parser (another version of the app may have sent it).

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

/** Checks a decoded message and returns it typed; throws for one this code must not trust. */
export type MessageParser<T> = (value: unknown) => T;

/** Throws when the text is not JSON or `parse` refuses it; without `parse` the JSON is trusted as is. */
export function decodeMessage<T>(text: string, parse?: MessageParser<T>): T {
  const value: unknown = JSON.parse(text);
  return parse ? parse(value) : (value as T);
}
