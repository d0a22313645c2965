// A long entry (a pasted log) shows its first lines and a button to read the rest, so one paste
// does not push the rest of the timeline off the screen.
import { useState } from "react";
import "./long-text.css";

const LONG_CHARS = 600;
const LONG_LINES = 8;

function isLong(text: string): boolean {
  return text.length > LONG_CHARS || text.split("\n").length > LONG_LINES;
}

export function LongText({ text }: { text: string }) {
  const [isOpen, setIsOpen] = useState(false);
  if (!isLong(text)) return <p>{text}</p>;
  return (
    <div className={`long-text${isOpen ? "" : " long-text--collapsed"}`}>
      <p>{text}</p>
      <button
        type="button"
        className="link-button long-text__toggle"
        aria-expanded={isOpen}
        onClick={() => setIsOpen((open) => !open)}
      >
        {isOpen ? "Show less" : `Show all ${text.length.toLocaleString("en-US")} characters`}
      </button>
    </div>
  );
}
