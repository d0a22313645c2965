import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { useQueueKeyboard } from "./use-queue-keyboard.ts";

function Harness({
  ids,
  onOpen,
  onClaim,
}: {
  ids: string[];
  onOpen(id: string): void;
  onClaim(id: string): void;
}) {
  const keyboard = useQueueKeyboard({ ids, onOpen, onClaim });
  return (
    <>
      <input aria-label="Search" />
      <ol ref={keyboard.listRef}>
        {ids.map((id) => (
          <li key={id}>
            <article
              ref={keyboard.refFor(id)}
              tabIndex={keyboard.activeId === id ? 0 : -1}
              aria-label={id}
              onFocus={() => keyboard.setActiveId(id)}
            >
              <button type="button">Claim {id}</button>
            </article>
          </li>
        ))}
      </ol>
    </>
  );
}

function setup(ids = ["a", "b", "c"]) {
  const onOpen = vi.fn();
  const onClaim = vi.fn();
  const { rerender } = render(<Harness ids={ids} onOpen={onOpen} onClaim={onClaim} />);
  return {
    onOpen,
    onClaim,
    card: (id: string) => screen.getByRole("article", { name: id }),
    /** The list as the live stream changes it. */
    list: (next: string[]) => rerender(<Harness ids={next} onOpen={onOpen} onClaim={onClaim} />),
  };
}

/** A first visit that leaves the queue from card `id` with `key` (Enter opens it, c claims it). */
function leaveQueueFrom(id: string, key: "Enter" | "c") {
  const first = setup();
  first.card(id).focus();
  fireEvent.keyDown(first.card(id), { key });
  cleanup();
}

describe("useQueueKeyboard", () => {
  // Where the keyboard left the queue is kept for the tab, which outlives a render.
  beforeEach(() => sessionStorage.clear());

  it("moves with j/k and the arrows, staying within the list", () => {
    const { card } = setup();
    fireEvent.keyDown(document.body, { key: "j" });
    expect(document.activeElement).toBe(card("a"));
    fireEvent.keyDown(document.activeElement as Element, { key: "j" });
    expect(document.activeElement).toBe(card("b"));
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowDown" });
    expect(document.activeElement).toBe(card("c"));
    fireEvent.keyDown(document.activeElement as Element, { key: "j" });
    expect(document.activeElement).toBe(card("c"));
    fireEvent.keyDown(document.activeElement as Element, { key: "k" });
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowUp" });
    expect(document.activeElement).toBe(card("a"));
  });

  it("opens the focused card with Enter and claims it with c", () => {
    const { card, onOpen, onClaim } = setup();
    card("b").focus();
    fireEvent.keyDown(card("b"), { key: "Enter" });
    fireEvent.keyDown(card("b"), { key: "c" });
    expect(onOpen).toHaveBeenCalledWith("b");
    expect(onClaim).toHaveBeenCalledWith("b");
  });

  it("leaves Enter on a button and keys typed into fields alone", () => {
    const { onOpen, onClaim } = setup();
    const button = screen.getByRole("button", { name: "Claim a" });
    button.focus();
    fireEvent.keyDown(button, { key: "Enter" });
    expect(onOpen).not.toHaveBeenCalled();

    const search = screen.getByRole("textbox", { name: "Search" });
    search.focus();
    fireEvent.keyDown(search, { key: "j" });
    fireEvent.keyDown(search, { key: "c" });
    expect(document.activeElement).toBe(search);
    expect(onClaim).not.toHaveBeenCalled();
  });

  it("coming back to the queue, focuses the card it was left from", () => {
    leaveQueueFrom("b", "Enter");

    const back = setup();
    expect(document.activeElement).toBe(back.card("b"));
  });

  it("focuses the card now in its place when the one it was left from is gone (claimed)", () => {
    leaveQueueFrom("b", "c");

    const back = setup(["a", "c"]);
    expect(document.activeElement).toBe(back.card("c"));
  });

  it("follows the card it was left from when the stream takes it out and puts it back (a late claim, then its undo)", () => {
    leaveQueueFrom("b", "c");

    const back = setup();
    expect(document.activeElement).toBe(back.card("b"));
    back.list(["a", "c"]);
    back.list(["a", "b", "c"]);
    expect(document.activeElement).toBe(back.card("b"));
  });

  it("stops bringing focus back once the user moves on", () => {
    leaveQueueFrom("b", "Enter");

    const back = setup();
    fireEvent.keyDown(document.activeElement as Element, { key: "j" });
    expect(document.activeElement).toBe(back.card("c"));
    back.list(["a", "c"]);
    back.list(["a", "b", "c"]);
    expect(document.activeElement).toBe(back.card("c"));
  });

  it("stops bringing focus back once focus moves elsewhere with neither a key nor the pointer (a screen reader)", () => {
    leaveQueueFrom("b", "Enter");

    const back = setup();
    expect(document.activeElement).toBe(back.card("b"));
    const search = screen.getByRole("textbox", { name: "Search" });
    search.focus();
    back.list(["a", "c"]);
    back.list(["a", "b", "c"]);
    expect(document.activeElement).toBe(search);
  });

  it("leaves focus alone on a fresh visit", () => {
    setup();
    expect(document.activeElement).toBe(document.body);
  });
});
