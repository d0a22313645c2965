// Text fit for an email: one-line header values and HTML-escaped bodies.

const SUBJECT_TEXT_MAX = 150;

/**
 * Text fit for a header: a line break (or any control character) in a session title must never
 * reach the Subject line, where it would start a new header or body.
 */
export function asHeaderText(value: string): string {
  const oneLine = value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return oneLine.length > SUBJECT_TEXT_MAX ? `${oneLine.slice(0, SUBJECT_TEXT_MAX - 1)}…` : oneLine;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
