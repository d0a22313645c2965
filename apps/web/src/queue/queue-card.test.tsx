import type { THandoffCard } from "@handoff/api/client-contract";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { QueueCard } from "./queue-card.tsx";
import type { TClaimState, TQueueEntry } from "./queue-reducer.ts";

const card: THandoffCard = {
  id: "h1",
  sessionId: "s1",
  intent: "escalate",
  priority: "urgent",
  problemSummary: "CEO can't send external mail",
  problemDomain: "Microsoft 365",
  notes: "Transport rule suspected.",
  stepCount: 6,
  confidenceTier: "low",
  psaTicketId: null,
  psaTicketUrl: null,
  team: { id: "t1", name: "Service Desk" },
  handedOffBy: { id: "u1", name: "Erin Engineer" },
  createdAt: "2025-03-01T10:00:00.000Z",
  claimedBy: null,
  claimedAt: null,
  assessment: null,
  dueAt: "2025-03-01T10:15:00.000Z",
  overdue: false,
};

function renderCard(
  options: {
    claim?: TClaimState;
    isNew?: boolean;
    isHidden?: boolean;
    canClaim?: boolean;
    card?: Partial<THandoffCard>;
  } = {},
) {
  const entry: TQueueEntry = {
    card: { ...card, ...options.card },
    isNew: options.isNew ?? false,
    isUnseen: false,
    claim: options.claim ?? { status: "idle" },
  };
  const handlers = { onClaim: vi.fn(), onSeen: vi.fn(), onDismiss: vi.fn(), onFocus: vi.fn() };
  render(
    <Router hook={memoryLocation().hook}>
      <QueueCard
        entry={entry}
        now={Date.parse("2025-03-01T10:14:00.000Z")}
        isHidden={options.isHidden ?? false}
        isActive
        canClaim={options.canClaim ?? true}
        {...handlers}
      />
    </Router>,
  );
  return handlers;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("QueueCard", () => {
  it("shows what a senior needs at a glance and claims on click", () => {
    const { onClaim } = renderCard();
    expect(screen.getByRole("link", { name: card.problemSummary }).getAttribute("href")).toBe("/handoffs/h1");
    expect(screen.getByText("Urgent")).toBeTruthy();
    expect(screen.getByText("14 min ago")).toBeTruthy();
    expect(screen.getByText("Erin Engineer")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Claim" }));
    expect(onClaim).toHaveBeenCalledWith("h1");
  });

  it("shows no priority on a parked card, since parking has none", () => {
    renderCard({ card: { intent: "park", priority: "normal" } });
    expect(screen.getByText("Parked")).toBeTruthy();
    expect(screen.queryByText("Normal")).toBeNull();
  });

  it("has no claim control for someone who cannot claim", () => {
    renderCard({ canClaim: false });
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("shows the card as the viewer's while the claim is in flight, with no claim control", () => {
    renderCard({ claim: { status: "mine" } });
    expect(screen.getByRole("status").textContent).toBe("Claimed by you");
    expect(screen.queryByRole("button", { name: "Claim" })).toBeNull();
  });

  it("after a failed claim says why and offers Claim again", () => {
    const { onClaim } = renderCard({ claim: { status: "failed", message: "Can't reach the server." } });
    expect(screen.getByRole("alert").textContent).toBe("Can't reach the server.");
    fireEvent.click(screen.getByRole("button", { name: "Claim" }));
    expect(onClaim).toHaveBeenCalledWith("h1");
  });

  it("after a lost claim says who has it, offers no claim, then leaves", () => {
    const { onDismiss } = renderCard({
      claim: { status: "lost", message: "Sam Ortiz claimed this 3 s ago." },
    });
    expect(screen.getByRole("status").textContent).toBe("Sam Ortiz claimed this 3 s ago.");
    expect(screen.queryByRole("button", { name: "Claim" })).toBeNull();
    act(() => vi.advanceTimersByTime(3_900));
    expect(onDismiss).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(200));
    expect(onDismiss).toHaveBeenCalledWith("h1");
  });

  it("keeps a new arrival highlighted until it has been visible for a while", () => {
    const { onSeen } = renderCard({ isNew: true });
    expect(screen.getByText("New")).toBeTruthy();
    act(() => vi.advanceTimersByTime(7_000));
    expect(onSeen).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1_100));
    expect(onSeen).toHaveBeenCalledWith("h1");
  });

  it("does not count a new arrival as seen while the tab is hidden", () => {
    const { onSeen } = renderCard({ isNew: true, isHidden: true });
    act(() => vi.advanceTimersByTime(60_000));
    expect(onSeen).not.toHaveBeenCalled();
  });
});

describe("assessment", () => {
  it("shows the likely cause as plain text, labelled with who wrote it", () => {
    renderCard({
      card: {
        assessment: {
          likelyCause: "<img src=x onerror=alert(1)> A transport rule",
          risk: "medium",
          confidence: "low",
          source: "rules",
          priorSessions: [],
        },
      },
    });
    const line = screen.getByTestId("card-assessment");
    expect(line.textContent).toBe("Likely cause: <img src=x onerror=alert(1)> A transport rule Rules");
    expect(line.querySelector("img")).toBeNull();
  });

  it("links the resolved sessions the likely cause comes from, titles as text", () => {
    renderCard({
      card: {
        assessment: {
          likelyCause: "In 2 similar sessions the fix was: Reset the MFA registration — Sam Ortiz, today.",
          risk: "low",
          confidence: "medium",
          source: "rules",
          priorSessions: [
            { sessionId: "s-1", problemSummary: "Outlook prompts the CFO <b>again</b>" },
            { sessionId: "s-2", problemSummary: "Outlook prompts reception" },
          ],
        },
      },
    });
    const prior = screen.getByTestId("card-prior-sessions");
    const links = [...prior.querySelectorAll("a")];
    expect(links.map((link) => [link.textContent, link.getAttribute("href")])).toEqual([
      ["Outlook prompts the CFO <b>again</b>", "/sessions/s-1"],
      ["Outlook prompts reception", "/sessions/s-2"],
    ]);
    expect(prior.querySelector("b")).toBeNull();
  });

  it("shows nothing until the assessment arrives", () => {
    renderCard();
    expect(screen.queryByTestId("card-assessment")).toBeNull();
  });
});
