import { describe, expect, it } from "vitest";
import type { MaintenanceEstimate, MaintenanceRun } from "@/lib/learning/views";
import { boardText, costText, runOutcome } from "./battery-model";

const estimate = (patch: Partial<MaintenanceEstimate> = {}): MaintenanceEstimate => ({
  model: "gpt-5-mini",
  workspace: "/home/me/ratchet-workspaces/default",
  budgetUsd: 2,
  stepLimit: 40,
  earlierPasses: 0,
  averageTokens: null,
  averageCostUsd: null,
  openItems: 2,
  smallOpenItems: 1,
  ...patch,
});

describe("costText", () => {
  it("estimates from what earlier passes spent", () => {
    expect(costText(estimate({ earlierPasses: 3, averageTokens: 41_200, averageCostUsd: 0.0312 }))).toBe(
      "Roughly $0.0312 and 41k tokens, the average of the last 3 passes. It stops at its $2.00 budget or after 40 steps, whichever comes first.",
    );
  });

  it("says plainly when there is nothing to estimate from, or no price", () => {
    expect(costText(estimate())).toBe(
      "No earlier pass to estimate from. It stops at its $2.00 budget or after 40 steps, whichever comes first.",
    );
    expect(
      costText(estimate({ earlierPasses: 1, averageTokens: 900, averageCostUsd: 0, model: "llama" })),
    ).toContain(
      "Roughly 900 tokens, the average of the last pass; no cost was recorded (no price is set for llama in Settings).",
    );
    expect(costText(estimate({ budgetUsd: null }))).toContain("no budget (none is set)");
  });
});

describe("boardText", () => {
  it("counts to do and in progress as open, and names the small ones", () => {
    expect(boardText(estimate())).toBe(
      "2 open items (to do and in progress), 1 of small effort: it must act on the top one.",
    );
    expect(boardText(estimate({ smallOpenItems: 0 }))).toBe(
      "2 open items (to do and in progress), none of small effort.",
    );
    expect(boardText(estimate({ openItems: 0, smallOpenItems: 0 }))).toMatch(/no open items/);
  });
});

describe("runOutcome", () => {
  const run = (patch: Partial<MaintenanceRun>): MaintenanceRun =>
    ({ status: "completed", smallItemsActed: 0, analysis: null, results: null, ...patch }) as MaintenanceRun;

  it("does not call a pass that acted on no small item good news", () => {
    expect(
      runOutcome(run({ analysis: { topSmallItem: { id: "c1", title: "Cache the DB", impact: "H" } } })),
    ).toEqual({ tone: "warn", warning: "Acted on 0 small items: “Cache the DB” was left as it was." });
    expect(runOutcome(run({}))).toMatchObject({
      tone: "warn",
      warning: expect.stringMatching(/none was open/),
    });
  });

  it("is good news when it acted, and leaves other states to their own pill", () => {
    expect(runOutcome(run({ smallItemsActed: 1 }))).toEqual({ tone: "good", warning: null });
    expect(runOutcome(run({ status: "failed" }))).toEqual({ tone: null, warning: null });
  });
});
