import { describe, expect, it } from "vitest";
import {
  describeTierChange,
  nextTier,
  startTier,
  TIER_RULES,
  type Tier,
  type TierOverride,
  type TierSignal,
  type TierStart,
} from "./tiers";

const fail = (tool: string): TierSignal => ({ type: "call", tool, ok: false });
const ok = (tool: string): TierSignal => ({ type: "call", tool, ok: true });
const END: TierSignal = { type: "step-end" };

/** Runs a turn's signals through the rules: the tier after each, and every change's reason. */
function run(start: TierStart, signals: TierSignal[]) {
  let step = startTier(start);
  const tiers: Tier[] = [];
  const reasons: string[] = [];
  for (const signal of signals) {
    step = nextTier(step.state, signal);
    tiers.push(step.state.tier);
    if (step.change) reasons.push(`${step.change.from}→${step.change.to}: ${step.change.reason}`);
  }
  return { tier: step.state.tier, tiers, reasons };
}

const AUTO: TierStart = { kind: "agent", override: "auto" };

describe("where a turn starts", () => {
  it.each<[TierStart["kind"], TierOverride, Tier, string]>([
    ["agent", "auto", "fast", "a turn starts on fast"],
    ["evaluation", "auto", "fast", "a turn starts on fast"],
    ["maintenance", "auto", "strong", "maintenance passes always run on strong"],
    ["agent", "fast", "fast", "pinned to fast for this session"],
    ["agent", "strong", "strong", "pinned to strong for this session"],
    ["maintenance", "fast", "fast", "pinned to fast for this session"],
  ])("%s with override %s starts on %s", (kind, override, tier, reason) => {
    const { state, change } = startTier({ kind, override });
    expect(state.tier).toBe(tier);
    expect(change).toEqual({ from: null, to: tier, reason });
  });
});

describe("escalation and de-escalation", () => {
  const cases: { name: string; start?: TierStart; signals: TierSignal[]; tier: Tier; reasons: string[] }[] = [
    {
      name: "the same tool failing twice escalates",
      signals: [fail("run_command"), END, fail("run_command")],
      tier: "strong",
      reasons: ["fast→strong: run_command failed twice"],
    },
    {
      name: "one failure, then successes, stays on fast",
      signals: [fail("run_command"), END, ok("run_command"), END, ok("edit_files"), END],
      tier: "fast",
      reasons: [],
    },
    {
      name: "N failed calls of different tools escalate",
      signals: [fail("run_command"), fail("edit_files"), END, fail("load_skill")],
      tier: "strong",
      reasons: [`fast→strong: ${TIER_RULES.failedCalls} tool calls failed in this turn`],
    },
    {
      name: "a friction escalates at once",
      signals: [{ type: "friction", kind: "repeated_command" }],
      tier: "strong",
      reasons: ["fast→strong: friction recorded: repeated_command"],
    },
    {
      name: "clean steps on strong bring the turn back to fast",
      signals: [fail("run_command"), fail("run_command"), END, ok("run_command"), END, END, END],
      tier: "fast",
      reasons: ["fast→strong: run_command failed twice", "strong→fast: 3 clean steps on strong"],
    },
    {
      name: "the escalating step is not a clean one",
      signals: [fail("run_command"), fail("run_command"), END, END],
      tier: "strong",
      reasons: ["fast→strong: run_command failed twice"],
    },
    {
      name: "a failure on strong starts the clean run again",
      signals: [fail("a"), fail("a"), END, END, fail("b"), END, END, END],
      tier: "strong",
      reasons: ["fast→strong: a failed twice"],
    },
    {
      name: "after de-escalating, old failures do not count again",
      signals: [fail("a"), fail("a"), END, END, END, END, fail("a")],
      tier: "fast",
      reasons: ["fast→strong: a failed twice", "strong→fast: 3 clean steps on strong"],
    },
    {
      name: "pinned to fast never escalates",
      start: { kind: "agent", override: "fast" },
      signals: [fail("a"), fail("a"), fail("b"), { type: "friction", kind: "slow_tool" }, END],
      tier: "fast",
      reasons: [],
    },
    {
      name: "pinned to strong never de-escalates",
      start: { kind: "agent", override: "strong" },
      signals: [END, END, END, END],
      tier: "strong",
      reasons: [],
    },
    {
      name: "a maintenance pass stays on strong through clean steps",
      start: { kind: "maintenance", override: "auto" },
      signals: [END, END, END, END],
      tier: "strong",
      reasons: [],
    },
  ];
  it.each(cases)("$name", ({ start, signals, tier, reasons }) => {
    const result = run(start ?? AUTO, signals);
    expect(result.tier).toBe(tier);
    expect(result.reasons).toEqual(reasons);
  });

  it("leaves the state it was given as it was", () => {
    const { state } = startTier(AUTO);
    const before = structuredClone(state);
    nextTier(state, fail("run_command"));
    expect(state).toEqual(before);
  });
});

describe("describeTierChange", () => {
  it.each([
    [
      { from: "fast" as const, to: "strong" as const, reason: "run_command failed twice" },
      "escalated to strong (big): run_command failed twice",
    ],
    [
      { from: "strong" as const, to: "fast" as const, reason: "3 clean steps on strong" },
      "back to fast (big): 3 clean steps on strong",
    ],
    [
      { from: null, to: "fast" as const, reason: "a turn starts on fast" },
      "on fast (big): a turn starts on fast",
    ],
  ])("%o", (change, text) => {
    expect(describeTierChange(change, "big")).toBe(text);
  });
});
