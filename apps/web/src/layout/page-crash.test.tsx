import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { PageCrashBoundary } from "./page-crash.tsx";

let isBroken = true;

function FragilePage() {
  if (isBroken) throw new Error("render failed");
  return <p>The page</p>;
}

function renderAt(path: string) {
  const location = memoryLocation({ path });
  render(
    <Router hook={location.hook}>
      <nav>Top bar</nav>
      <PageCrashBoundary>
        <FragilePage />
      </PageCrashBoundary>
    </Router>,
  );
  return location;
}

describe("PageCrashBoundary", () => {
  // React and the boundary log the error they caught; the test expects it.
  const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
  afterEach(() => {
    isBroken = true;
    consoleError.mockClear();
  });

  it("replaces only the page that threw, and renders it afresh on Try again", () => {
    renderAt("/escalations");
    expect(screen.getByRole("alert").textContent).toContain("This page ran into a problem");
    expect(screen.getByText("Top bar")).toBeTruthy();
    expect(consoleError).toHaveBeenCalledWith("The page failed to render", expect.any(Error));

    isBroken = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(screen.getByText("The page")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("renders the next page afresh after moving to another path", () => {
    const location = renderAt("/escalations");
    expect(screen.getByRole("alert")).toBeTruthy();

    isBroken = false;
    act(() => location.navigate("/sessions"));
    expect(screen.getByText("The page")).toBeTruthy();
  });
});
