import { renderHook } from "@testing-library/react";
import { act } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flashTitle, useTitleFlash } from "./use-title-flash.ts";

const BASE = "Escalation queue · Handoff";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("useTitleFlash", () => {
  it("alternates the count with the page title, and restores it when the count clears", () => {
    const { rerender } = renderHook(({ count }) => useTitleFlash(count, BASE, 1_000), {
      initialProps: { count: 0 },
    });
    expect(document.title).toBe(BASE);

    rerender({ count: 2 });
    expect(document.title).toBe("(2) New escalations");
    act(() => vi.advanceTimersByTime(1_000));
    expect(document.title).toBe(BASE);
    act(() => vi.advanceTimersByTime(1_000));
    expect(document.title).toBe("(2) New escalations");

    rerender({ count: 0 });
    expect(document.title).toBe(BASE);
    act(() => vi.advanceTimersByTime(5_000));
    expect(document.title).toBe(BASE);
  });

  it("restores the title when the page unmounts mid-flash", () => {
    const { unmount } = renderHook(() => useTitleFlash(1, BASE, 1_000));
    expect(document.title).toBe(flashTitle(1));
    unmount();
    expect(document.title).toBe(BASE);
  });

  it("uses the singular for one", () => {
    expect(flashTitle(1)).toBe("(1) New escalation");
    expect(flashTitle(3)).toBe("(3) New escalations");
  });
});
