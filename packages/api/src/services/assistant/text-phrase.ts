// Free text placed inside a sentence of our own.

/** The text without its closing full stop (or semicolon, or trailing space). */
export function phrase(text: string): string {
  return text.trim().replace(/[.;\s]+$/, "");
}
