// Says how much text a field holds before the limit bites, instead of the browser's maxLength
import "./length-limit.css";

// cutting a long paste off without a word: a counter once the text nears the limit, and a
// message saying by how much it is over (the form refuses to send it until it fits).
const SHOW_COUNTER_FROM = 0.8;

const count = (value: number) => value.toLocaleString("en-US");

export function isOverLimit(text: string, limit: number): boolean {
  return text.length > limit;
}

export function LengthLimit({ text, limit, what }: { text: string; limit: number; what: string }) {
  const length = text.length;
  if (length > limit) {
    return (
      <p className="length-limit length-limit--over" role="alert">
        {`${what} is ${count(length)} characters, ${count(length - limit)} over the limit of ${count(limit)}. Shorten it or split it in two.`}
      </p>
    );
  }
  if (length < limit * SHOW_COUNTER_FROM) return null;
  return (
    <p className="length-limit" aria-live="polite">
      {`${count(length)} / ${count(limit)} characters`}
    </p>
  );
}
