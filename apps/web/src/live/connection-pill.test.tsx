import { render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectionPill } from "./connection-pill.tsx";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("ConnectionPill", () => {
  it("blames the server when the device is online but the server can't be reached", () => {
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(true);
    render(<ConnectionPill connection={{ status: "offline" }} />);
    expect(screen.getByTestId("connection-pill").title).toMatch(/^Can't reach the server — retrying/);
  });

  it("says the device is offline when it has no network", () => {
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    render(<ConnectionPill connection={{ status: "offline" }} />);
    expect(screen.getByTestId("connection-pill").title).toMatch(/^This device is offline/);
  });
});
