import { describe, expect, it } from "vitest";
import { progressLine } from "./progress-line";

describe("the card's progress line", () => {
  it("names the replay running, its case, arm and repeat, and the spend against the budget", () => {
    expect(
      progressLine({
        id: "e",
        status: "running",
        done: 2,
        total: 12,
        spentUsd: 0.02,
        budgetUsd: 1.5,
        current: { case: 2, cases: 3, arm: "candidate", repeat: 1, repeats: 2 },
      }),
    ).toBe("Running · replay 3 of 12: case 2 of 3, candidate, repeat 1 of 2 · $0.020 of $1.50 spent");
  });

  it("between replays and when queued, how many are done", () => {
    expect(
      progressLine({
        id: "e",
        status: "queued",
        done: 0,
        total: 4,
        spentUsd: 0,
        budgetUsd: 1,
        current: null,
      }),
    ).toBe("Queued · 0 of 4 replays done · $0.000 of $1.00 spent");
  });
});
