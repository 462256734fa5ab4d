import { describe, expect, it } from "vitest";
import {
  type Arm,
  budgetStops,
  estimate,
  figureLine,
  noiseVerdict,
  type RunMeasure,
  summarize,
} from "./summary";

function r(caseTurnId: string, arm: Arm, repeat: number, over: Partial<RunMeasure> = {}): RunMeasure {
  return {
    caseTurnId,
    arm,
    repeat,
    passed: true,
    steps: 4,
    tokens: 1000,
    costUsd: 0.01,
    wallMs: 100,
    failedCalls: 0,
    frictions: 0,
    ...over,
  };
}

describe("noise judgement", () => {
  it("a difference larger than the spread between repeats is outside noise", () => {
    const runs = [
      r("a", "baseline", 1, { steps: 6 }),
      r("a", "baseline", 2, { steps: 7 }),
      r("a", "candidate", 1, { steps: 3 }),
      r("a", "candidate", 2, { steps: 3 }),
    ];
    const v = noiseVerdict(runs, (x) => x.steps);
    expect(v.difference).toBeCloseTo(-3.5);
    expect(v.noise).toBeCloseTo(0.5);
    expect(v.withinNoise).toBe(false);
  });

  it("a difference no larger than the spread is within noise", () => {
    const runs = [
      r("a", "baseline", 1, { steps: 3 }),
      r("a", "baseline", 2, { steps: 7 }),
      r("a", "candidate", 1, { steps: 4 }),
      r("a", "candidate", 2, { steps: 5 }),
    ];
    expect(noiseVerdict(runs, (x) => x.steps).withinNoise).toBe(true);
  });

  it("one repeat per case cannot tell the change from noise", () => {
    const runs = [r("a", "baseline", 1, { steps: 9 }), r("a", "candidate", 1, { steps: 1 })];
    expect(noiseVerdict(runs, (x) => x.steps).withinNoise).toBeNull();
    expect(summarize(runs).withinNoise).toBeNull();
  });

  it("the summary is outside noise when any measure is, and counts verdicts per arm", () => {
    const runs = [
      r("a", "baseline", 1, { passed: false, steps: 6 }),
      r("a", "baseline", 2, { passed: true, steps: 6 }),
      r("a", "candidate", 1, { steps: 3 }),
      r("a", "candidate", 2, { steps: 3, passed: null }),
    ];
    const s = summarize(runs);
    expect(s.withinNoise).toBe(false);
    expect(s.baseline).toMatchObject({ runs: 2, judged: 2, passed: 1 });
    expect(s.candidate).toMatchObject({ runs: 2, judged: 1, passed: 1 });
    expect(s.candidate.means.steps).toBe(3);
  });
});

describe("estimate and budget", () => {
  it("estimates every planned replay at its case's recorded cost", () => {
    expect(
      estimate(
        [
          { tokens: 1000, costUsd: 0.1 },
          { tokens: 500, costUsd: 0.05 },
        ],
        2,
      ),
    ).toEqual({
      runs: 8,
      tokens: 6000,
      costUsd: expect.closeTo(0.6, 9),
    });
  });

  it("stops before the replay that would overrun the budget, not before one that fits exactly", () => {
    expect(budgetStops(0.9, 0.1, 1)).toBe(false);
    expect(budgetStops(0.91, 0.1, 1)).toBe(true);
    expect(budgetStops(1.2, 0, 1)).toBe(true);
  });
});

describe("figureLine", () => {
  it("says the candidate's figures against the baseline's", () => {
    const runs = [
      r("a", "baseline", 1, { steps: 6, tokens: 1000, passed: false }),
      r("a", "baseline", 2, { steps: 7, tokens: 1000 }),
      r("a", "candidate", 1, { steps: 3, tokens: 580 }),
      r("a", "candidate", 2, { steps: 3, tokens: 580 }),
    ];
    expect(figureLine(summarize(runs))).toBe(
      "3.0 steps vs 6.5, tokens −42 %, verifications 2/2 vs 1/2, within noise: no",
    );
  });
});
