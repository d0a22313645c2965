// Keyboard for people who live in the queue: j/k or arrows move between cards, Enter opens
// the focused card, c claims it. Keys typed into form fields are left alone. Coming back to the
// queue (Back after Enter, or Undo after c), focus lands on the card left from, or on the one now
// in its place, so the keyboard carries on where it was.
import { useCallback, useEffect, useRef, useState } from "react";
import { isTypingInto } from "../lib/typing.ts";

type TQueueKeyboardOptions = {
  ids: string[];
  onOpen(handoffId: string): void;
  /** Null when the viewer cannot claim. */
  onClaim: ((handoffId: string) => void) | null;
};

type TLeftFrom = { handoffId: string; index: number };

/** Kept for this tab while the queue page is unmounted (an opened handoff, a claim and its undo). */
const LEFT_FROM_KEY = "handoff.queue.leftFrom";

function rememberLeftFrom(leftFrom: TLeftFrom): void {
  try {
    sessionStorage.setItem(LEFT_FROM_KEY, JSON.stringify(leftFrom));
  } catch {
    // Storage disabled: focus simply starts at the top.
  }
}

function takeLeftFrom(): TLeftFrom | null {
  try {
    const stored = sessionStorage.getItem(LEFT_FROM_KEY);
    sessionStorage.removeItem(LEFT_FROM_KEY);
    return stored ? (JSON.parse(stored) as TLeftFrom) : null;
  } catch {
    return null;
  }
}

export function useQueueKeyboard({ ids, onOpen, onClaim }: TQueueKeyboardOptions) {
  const [activeId, setActiveId] = useState<string | null>(null);
  const elements = useRef(new Map<string, HTMLElement>());
  const refs = useRef(new Map<string, (element: HTMLElement | null) => void>());
  const listRef = useRef<HTMLOListElement | null>(null);
  // The active card must be one that is still listed (cards leave when claimed).
  const current = activeId !== null && ids.includes(activeId) ? activeId : (ids[0] ?? null);
  const latest = useRef({ ids, activeId: current, onOpen, onClaim });
  latest.current = { ids, activeId: current, onOpen, onClaim };

  const refFor = useCallback((handoffId: string) => {
    let ref = refs.current.get(handoffId);
    if (!ref) {
      ref = (element) => {
        if (element) elements.current.set(handoffId, element);
        else elements.current.delete(handoffId);
      };
      refs.current.set(handoffId, ref);
    }
    return ref;
  }, []);

  // Where focus goes back to, kept until the user moves on: the live stream may take that card out
  // and put it back after the page opened (its claim's and its undo's events arriving late), and
  // focus follows it back in. Read once per page (`??=`: an effect run twice reads it once).
  const returnTo = useRef<TLeftFrom | null>(null);
  /** The card this hook last gave focus to: focus landing anywhere else is the user moving on. */
  const focusedOnReturn = useRef<HTMLElement | null>(null);
  useEffect(() => {
    returnTo.current ??= takeLeftFrom();
  }, []);
  useEffect(() => {
    const target = returnTo.current;
    if (target === null || ids.length === 0) return;
    const back = ids.includes(target.handoffId)
      ? target.handoffId
      : ids[Math.min(target.index, ids.length - 1)];
    if (back === undefined) return;
    setActiveId(back);
    focusedOnReturn.current = elements.current.get(back) ?? null;
    focusedOnReturn.current?.focus();
  }, [ids]);

  useEffect(() => {
    const leave = (handoffId: string) =>
      rememberLeftFrom({ handoffId, index: latest.current.ids.indexOf(handoffId) });
    const move = (step: number, isInList: boolean) => {
      const { ids: list, activeId: active } = latest.current;
      if (list.length === 0) return;
      // Coming from outside the list, the first key press just lands on the current card.
      if (!isInList && active !== null) {
        elements.current.get(active)?.focus();
        return;
      }
      const index = active === null ? -1 : list.indexOf(active);
      const next = list[Math.min(list.length - 1, Math.max(0, index + step))];
      if (next === undefined) return;
      setActiveId(next);
      elements.current.get(next)?.focus();
    };
    const focusedCardId = () => {
      for (const [id, element] of elements.current) if (element === document.activeElement) return id;
      return null;
    };
    const takeOver = () => {
      returnTo.current = null;
    };
    // Not only keys and the pointer: a screen reader moves focus without either.
    const onFocusIn = (event: FocusEvent) => {
      if (event.target !== focusedOnReturn.current) takeOver();
    };
    const onKeyDown = (event: KeyboardEvent) => {
      takeOver();
      if (
        event.defaultPrevented ||
        event.altKey ||
        event.ctrlKey ||
        event.metaKey ||
        isTypingInto(event.target)
      )
        return;
      if (document.querySelector("dialog[open]")) return;
      const isInList = listRef.current?.contains(document.activeElement) ?? false;
      const isArrow = event.key === "ArrowDown" || event.key === "ArrowUp";
      if (isArrow && !isInList) return;
      if (event.key === "j" || event.key === "ArrowDown") move(1, isInList);
      else if (event.key === "k" || event.key === "ArrowUp") move(-1, isInList);
      else if (event.key === "Enter") {
        // Only a focused card: Enter on a focused button must keep meaning "press the button".
        const id = focusedCardId();
        if (!id) return;
        leave(id);
        latest.current.onOpen(id);
      } else if (event.key === "c") {
        const id = focusedCardId() ?? (isInList ? latest.current.activeId : null);
        if (!id || !latest.current.onClaim) return;
        leave(id);
        latest.current.onClaim(id);
      } else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("pointerdown", takeOver);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("pointerdown", takeOver);
      document.removeEventListener("focusin", onFocusIn);
    };
  }, []);

  return { activeId: current, setActiveId, refFor, listRef };
}
