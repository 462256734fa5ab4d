import { describe, expect, it } from "vitest";
import type { SessionEvent, SessionEventBody } from "@/lib/events/types";
import {
  applyWaterfallEvent,
  emptyWaterfall,
  niceTicks,
  turnTotals,
  unionLength,
  type Waterfall,
} from "./waterfall-model";

const T0 = Date.parse("2026-11-26T10:00:00.000Z");

/** Events with consecutive seqs at the given offsets (ms after T0). */
function events(...items: Array<[number, SessionEventBody]>): SessionEvent[] {
  return items.map(([ms, body], i) => ({ ...body, seq: i + 1, at: new Date(T0 + ms).toISOString() }));
}

function fold(list: SessionEvent[]): Waterfall {
  return list.reduce(applyWaterfallEvent, emptyWaterfall);
}

const call = (callId: string, tool = "run_command"): SessionEventBody => ({
  type: "tool-call",
  callId,
  tool,
  input: {},
  summary: `${tool} ${callId}`,
});
const result = (
  callId: string,
  ok: boolean,
  durationMs: number,
  exitCode: number | null = 0,
): SessionEventBody => ({
  type: "tool-result",
  callId,
  tool: "run_command",
  state: "completed",
  ok,
  exitCode,
  durationMs,
  summary: "",
});
const stepFinish = (step: number, inputTokens = 100, outputTokens = 20): SessionEventBody => ({
  type: "step-finish",
  step,
  inputTokens,
  outputTokens,
  costUsd: 0.001,
});

describe("applyWaterfallEvent", () => {
  it("nests tool calls in the step that made them and drops the empty step after the last finish", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [100, { type: "text-delta", text: "let me look" }],
        [300, call("a")],
        [1300, result("a", true, 1000)],
        [1500, stepFinish(1)],
        [1700, call("b")],
        [2700, result("b", false, 990, 1)],
        [2800, stepFinish(2, 150, 30)],
        [3000, { type: "text-delta", text: "done" }],
        [3400, stepFinish(3)],
        [3410, { type: "turn-end", turnId: "t1", status: "completed" }],
      ),
    );
    expect(w.turns).toHaveLength(1);
    const [turn] = w.turns;
    expect(turn).toMatchObject({ index: 1, seq: 1, status: "completed", start: T0, end: T0 + 3410 });
    expect(turn?.steps.map((s) => [s.index, s.seq, s.start - T0, (s.end ?? 0) - T0, s.cut])).toEqual([
      [1, 1, 0, 1500, false],
      [2, 5, 1500, 2800, false],
      [3, 8, 2800, 3400, false],
    ]);
    expect(turn?.steps[0]?.tools).toMatchObject([{ callId: "a", seq: 3, ok: true, durationMs: 1000 }]);
    expect(turn?.steps[1]?.tools).toMatchObject([{ callId: "b", seq: 6, ok: false, exitCode: 1 }]);
    expect(turn?.steps[1]).toMatchObject({ inputTokens: 150, outputTokens: 30 });
  });

  it("cuts the running step and its tool when the turn is stopped", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [200, call("a")],
        [5000, { type: "turn-end", turnId: "t1", status: "cancelled" }],
      ),
    );
    const step = w.turns[0]?.steps[0];
    expect(w.turns[0]?.status).toBe("cancelled");
    expect(step).toMatchObject({ cut: true, end: T0 + 5000 });
    expect(step?.tools[0]).toMatchObject({ end: T0 + 5000, ok: null });
  });

  it("closes a turn at an interruption and a turn left open when the next one starts", () => {
    const interrupted = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [50, { type: "text-delta", text: "x" }],
        [900, { type: "status", status: "interrupted", note: "The server stopped." }],
      ),
    );
    expect(interrupted.turns[0]).toMatchObject({
      status: "interrupted",
      error: "The server stopped.",
      end: T0 + 900,
    });

    const reopened = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [50, { type: "text-delta", text: "x" }],
        [60_000, { type: "turn-start", turnId: "t2", model: "m" }],
      ),
    );
    expect(reopened.turns.map((t) => [t.index, t.status, t.end])).toEqual([
      [1, "interrupted", T0 + 60_000],
      [2, null, null],
    ]);
  });

  it("returns the same object for events that change nothing", () => {
    const started = fold(
      events([0, { type: "turn-start", turnId: "t1", model: "m" }], [10, { type: "text-delta", text: "a" }]),
    );
    const again = applyWaterfallEvent(started, {
      type: "text-delta",
      text: "b",
      seq: 3,
      at: new Date(T0 + 20).toISOString(),
    });
    expect(again).toBe(started);
    const usage = applyWaterfallEvent(started, {
      type: "usage",
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0,
      budgetUsd: null,
      seq: 3,
      at: new Date(T0 + 20).toISOString(),
    });
    expect(usage).toBe(started);
    // events outside a turn are ignored too
    const before = applyWaterfallEvent(emptyWaterfall, {
      type: "notice",
      level: "info",
      message: "hi",
      seq: 1,
      at: new Date(T0).toISOString(),
    });
    expect(before).toBe(emptyWaterfall);
  });

  it("jumps to the user message that started a turn, and to turn-start for a turn nobody asked for", () => {
    const w = fold(
      events(
        [0, { type: "user-message", messageId: "m1", text: "run the tests" }],
        [5, { type: "turn-start", turnId: "t1", model: "m" }],
        [7, { type: "text-delta", text: "ok" }],
        [9, { type: "turn-end", turnId: "t1", status: "completed" }],
        [20, { type: "turn-start", turnId: "t2", model: "m" }],
      ),
    );
    expect(w.turns.map((t) => [t.index, t.seq, t.steps[0]?.seq])).toEqual([
      [1, 1, 2],
      [2, 5, 5],
    ]);
  });
});

describe("turnTotals", () => {
  it("splits wall time into model time and tool time, counting overlapping tools once", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [100, call("a")],
        [200, call("b")],
        [1100, result("a", true, 1000)],
        [1200, result("b", false, 1000, 2)],
        [1500, stepFinish(1, 100, 10)],
        [1600, { type: "text-delta", text: "ok" }],
        [2000, stepFinish(2, 200, 20)],
        [2001, { type: "turn-end", turnId: "t1", status: "completed" }],
      ),
    );
    const turn = w.turns[0];
    if (!turn) throw new Error("no turn");
    expect(turnTotals(turn, T0 + 10_000)).toEqual({
      durationMs: 2001,
      modelMs: 1500 - 1100 + 500,
      toolMs: 1100,
      toolCalls: 2,
      failedCalls: 1,
      inputTokens: 300,
      outputTokens: 30,
      costUsd: 0.002,
    });
  });

  it("measures a running turn up to now", () => {
    const w = fold(events([0, { type: "turn-start", turnId: "t1", model: "m" }], [100, call("a")]));
    const turn = w.turns[0];
    if (!turn) throw new Error("no turn");
    expect(turnTotals(turn, T0 + 1000)).toMatchObject({ durationMs: 1000, toolMs: 900, modelMs: 100 });
  });
});

describe("unionLength", () => {
  it.each([
    [[], 0],
    [[[0, 10]], 10],
    [
      [
        [0, 10],
        [5, 15],
      ],
      15,
    ],
    [
      [
        [0, 10],
        [2, 3],
      ],
      10,
    ],
    [
      [
        [20, 30],
        [0, 10],
      ],
      20,
    ],
    [[[5, 5]], 0],
  ] as Array<[Array<[number, number]>, number]>)("%j covers %d", (intervals, expected) => {
    expect(unionLength(intervals)).toBe(expected);
  });
});

describe("niceTicks", () => {
  it.each([
    [3190, [0, 1000, 2000, 3000]],
    [10_000, [0, 5000, 10_000]],
    [132, [0, 50, 100]],
    [7, [0, 2, 4, 6]],
    [0, [0]],
  ])("%d ms → %j", (total, expected) => {
    expect(niceTicks(total)).toEqual(expected);
  });
});

describe("rewound turns", () => {
  it("are marked, never removed, and a later turn is not", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [10, { type: "turn-end", turnId: "t1", status: "completed" }],
        [20, { type: "turn-start", turnId: "t2", model: "m" }],
        [30, { type: "turn-end", turnId: "t2", status: "completed" }],
        [40, { type: "turn-start", turnId: "t3", model: "m" }],
        [50, { type: "turn-end", turnId: "t3", status: "completed" }],
        [60, { type: "turns-rewound", fromTurn: 2, turnIds: ["t2", "t3"], by: "ada" }],
        [70, { type: "turn-start", turnId: "t4", model: "m" }],
      ),
    );
    expect(w.turns.map((t) => [t.index, t.rewound])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, false],
    ]);
  });

  it("a rewind that marks nothing new leaves the same object (no re-render)", () => {
    const base = fold(events([0, { type: "turn-start", turnId: "t1", model: "m" }]));
    const same = applyWaterfallEvent(base, {
      type: "turns-rewound",
      fromTurn: 5,
      turnIds: ["elsewhere"],
      by: "ada",
      seq: 9,
      at: new Date(T0).toISOString(),
    });
    expect(same).toBe(base);
  });
});

describe("model tiers on the waterfall", () => {
  const tier = (to: "fast" | "strong", from: "fast" | "strong" | null, reason: string): SessionEventBody => ({
    type: "tier",
    tier: to,
    from,
    model: to === "strong" ? "big" : "small",
    reason,
    message: `${from === null ? "on" : to === "strong" ? "escalated to" : "back to"} ${to}: ${reason}`,
  });
  const finish = (step: number, t: "fast" | "strong"): SessionEventBody => ({
    type: "step-finish",
    step,
    inputTokens: 10,
    outputTokens: 1,
    costUsd: 0,
    model: t === "strong" ? "big" : "small",
    tier: t,
  });

  it("shows each step's tier, and the step whose failure escalated keeps its own", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "small" }],
        [1, tier("fast", null, "a turn starts on fast")],
        [100, call("a")],
        [200, result("a", false, 100, 1)],
        [300, finish(1, "fast")],
        [400, call("b")],
        [500, result("b", false, 100, 1)],
        // the second failure escalates while step 2 is under way
        [510, tier("strong", "fast", "run_command failed twice")],
        [600, finish(2, "fast")],
        [700, { type: "text-delta", text: "fixed" }],
        [800, finish(3, "strong")],
        [810, { type: "turn-end", turnId: "t1", status: "completed" }],
      ),
    );
    const steps = w.turns[0]?.steps ?? [];
    expect(steps.map((s) => s.tier)).toEqual(["fast", "fast", "strong"]);
    expect(steps[1]?.tierChange).toBe("escalated to strong: run_command failed twice");
  });

  it("a step not yet started takes the tier announced before it, before any step-finish says so", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "small" }],
        [1, tier("strong", null, "pinned to strong for this session")],
        [100, { type: "text-delta", text: "hi" }],
      ),
    );
    expect(w.turns[0]?.steps.map((s) => s.tier)).toEqual(["strong"]);
  });

  it("a step of a model nobody priced says its cost is unknown; one with a price, or an old event, is known", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [
          100,
          { type: "step-finish", step: 1, inputTokens: 10, outputTokens: 1, costUsd: 0, costKnown: false },
        ],
        [200, stepFinish(2)],
        [210, { type: "turn-end", turnId: "t1", status: "completed" }],
      ),
    );
    expect(w.turns[0]?.steps.map((s) => s.costKnown)).toEqual([false, true]);
  });

  it("without tiers a step has none", () => {
    const w = fold(
      events(
        [0, { type: "turn-start", turnId: "t1", model: "m" }],
        [100, stepFinish(1)],
        [110, { type: "turn-end", turnId: "t1", status: "completed" }],
      ),
    );
    expect(w.turns[0]?.steps.map((s) => s.tier)).toEqual([null]);
  });
});
