// Search highlights from the server's text parts: matches in <mark>, all of it as text (never
// parsed as markup).
import type { TTextPart } from "@handoff/api/client-contract";

export function TextParts({ parts }: { parts: TTextPart[] }) {
  // Parts of one text never reorder: their index is their identity.
  return (
    <>
      {parts.map((part, index) =>
        part.isMatch ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </>
  );
}
