import { describe, expect, it } from "vitest";
import { RecentHistory } from "./recent-history.ts";

const item = (seq: number) => ({ seq });

describe("RecentHistory", () => {
  it("gives every item after a position, in order, and [] at or past the newest", () => {
    const history = new RecentHistory(10, 0);
    for (const seq of [1, 2, 3, 5]) history.append(item(seq));
    expect(history.after(0)).toEqual([1, 2, 3, 5].map(item));
    expect(history.after(2)).toEqual([3, 5].map(item));
    expect(history.after(4)).toEqual([item(5)]);
    expect(history.after(5)).toEqual([]);
    expect(history.after(9)).toEqual([]);
  });

  it("gives the one item after a position, nothing at the newest, and null once it has left", () => {
    const history = new RecentHistory(3, 0);
    for (const seq of [1, 2, 4]) history.append(item(seq));
    expect(history.next(0)).toEqual(item(1));
    expect(history.next(2)).toEqual(item(4));
    expect(history.next(4)).toBeUndefined();
    for (let seq = 5; seq <= 20; seq += 1) history.append(item(seq));
    expect(history.next(1)).toBeNull();
  });

  it("stays bounded and says when a position is older than what it still holds", () => {
    const history = new RecentHistory(3, 0);
    for (let seq = 1; seq <= 20; seq += 1) history.append(item(seq));
    expect(history.size).toBeLessThan(6);
    expect(history.after(2)).toBeNull();
    expect(history.after(17)).toEqual([18, 19, 20].map(item));
    expect(history.newestSeq).toBe(20);
  });

  it("is complete only from where it started", () => {
    const history = new RecentHistory(5, 40);
    history.append(item(41));
    expect(history.after(39)).toBeNull();
    expect(history.after(40)).toEqual([item(41)]);
  });

  it("refuses an item out of seq order", () => {
    const history = new RecentHistory(5, 0);
    history.append(item(3));
    expect(() => history.append(item(3))).toThrow(RangeError);
  });
});
