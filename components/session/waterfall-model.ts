import type { SessionEvent, TurnStatus } from "@/lib/events/types";

/**
 * The session waterfall: turns, their model steps and the tool calls inside each step, on a
 * timeline. Built from the same events the transcript replays, so it is live while a turn runs and
 * identical after a reload. Every span remembers the `seq` of the event where it starts in the
 * transcript, which is where a click on it jumps to.
 */

export interface WaterfallTool {
  callId: string;
  tool: string;
  summary: string;
  seq: number;
  start: number;
  end: number | null;
  durationMs: number | null;
  /** null while running, or when the turn ended without a result. */
  ok: boolean | null;
  exitCode: number | null;
}

export interface WaterfallStep {
  /** 1-based within the turn. */
  index: number;
  seq: number;
  start: number;
  end: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** False when nobody priced the step's model: its cost is unknown, not $0. */
  costKnown: boolean;
  /** The model wrote text, reasoning or a tool call in it (a step opened by the last step-finish has none). */
  active: boolean;
  /** Ended by the turn's end, not by the model finishing it (a stop, an error, an interruption). */
  cut: boolean;
  /** The model tier that answered it (model tiers set), else null. */
  tier: "fast" | "strong" | null;
  /** The tier change the step led to (or the turn started with), as the transcript says it. */
  tierChange: string | null;
  tools: WaterfallTool[];
}

export interface WaterfallTurn {
  turnId: string;
  /** 1-based within the session. */
  index: number;
  seq: number;
  model: string;
  start: number;
  end: number | null;
  status: TurnStatus | null;
  error: string | null;
  /** A person put the files back as they were before this turn (or an earlier one): shown dimmed. */
  rewound: boolean;
  /** The tier the next step goes to, as the last `tier` event said. */
  tier: "fast" | "strong" | null;
  steps: WaterfallStep[];
}

export interface Waterfall {
  turns: WaterfallTurn[];
  /** The user message waiting for its turn: a turn jumps to the message that started it. */
  messageSeq: number | null;
}

export const emptyWaterfall: Waterfall = { turns: [], messageSeq: null };

/** Events whose transcript position a waterfall row can jump to. */
export function isWaterfallAnchor(event: SessionEvent): boolean {
  return (
    event.type === "user-message" ||
    event.type === "turn-start" ||
    event.type === "tool-call" ||
    event.type === "step-finish"
  );
}

function openStep(
  index: number,
  seq: number,
  start: number,
  tier: WaterfallStep["tier"] = null,
): WaterfallStep {
  return {
    index,
    seq,
    start,
    end: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    costKnown: true,
    active: false,
    cut: false,
    tier,
    tierChange: null,
    tools: [],
  };
}

function timeOf(event: SessionEvent): number {
  const at = Date.parse(event.at);
  return Number.isFinite(at) ? at : 0;
}

function replaceLast<T>(items: readonly T[], item: T): T[] {
  return [...items.slice(0, -1), item];
}

/** Closes the turn: a step the model had not started is dropped, a running one is cut, open tools end. */
function closeTurn(turn: WaterfallTurn, at: number, status: TurnStatus, error: string | null): WaterfallTurn {
  const steps = turn.steps
    .filter((step) => step.end !== null || step.active)
    .map((step) =>
      step.end !== null
        ? step
        : {
            ...step,
            end: at,
            cut: true,
            tools: step.tools.map((tool) => (tool.end === null ? { ...tool, end: at } : tool)),
          },
    );
  return { ...turn, end: at, status, error, steps };
}

/**
 * Folds one event into the waterfall. Returns the same object when the event changes nothing, so
 * a React state holding it only re-renders on the events that matter (not on every text delta).
 */
export function applyWaterfallEvent(waterfall: Waterfall, event: SessionEvent): Waterfall {
  const at = timeOf(event);
  if (event.type === "user-message") return { ...waterfall, messageSeq: event.seq };
  if (event.type === "turn-start") {
    const turn: WaterfallTurn = {
      turnId: event.turnId,
      index: waterfall.turns.length + 1,
      seq: waterfall.messageSeq ?? event.seq,
      model: event.model,
      start: at,
      end: null,
      status: null,
      error: null,
      rewound: false,
      tier: null,
      steps: [openStep(1, event.seq, at)],
    };
    // A turn left open (an old interruption without a turn-end) is closed where the next begins.
    const turns = waterfall.turns.map((t) => (t.end === null ? closeTurn(t, at, "interrupted", null) : t));
    return { turns: [...turns, turn], messageSeq: null };
  }

  if (event.type === "turns-rewound") {
    const ids = new Set(event.turnIds);
    if (!waterfall.turns.some((t) => ids.has(t.turnId) && !t.rewound)) return waterfall;
    return {
      ...waterfall,
      turns: waterfall.turns.map((t) => (ids.has(t.turnId) ? { ...t, rewound: true } : t)),
    };
  }

  const turn = waterfall.turns.at(-1);
  if (!turn || turn.end !== null) return waterfall;
  const step = turn.steps.at(-1);
  const withTurn = (next: WaterfallTurn): Waterfall => ({
    ...waterfall,
    turns: replaceLast(waterfall.turns, next),
  });

  switch (event.type) {
    case "text-delta":
    case "reasoning-delta": {
      if (!step || step.end !== null || step.active) return waterfall;
      return withTurn({
        ...turn,
        steps: replaceLast(turn.steps, { ...step, active: true }),
      });
    }
    case "tool-call": {
      const current =
        step && step.end === null ? step : openStep(turn.steps.length + 1, event.seq, at, turn.tier);
      const tool: WaterfallTool = {
        callId: event.callId,
        tool: event.tool,
        summary: event.summary,
        seq: event.seq,
        start: at,
        end: null,
        durationMs: null,
        ok: null,
        exitCode: null,
      };
      const next = { ...current, active: true, tools: [...current.tools, tool] };
      const steps = current === step ? replaceLast(turn.steps, next) : [...turn.steps, next];
      return withTurn({ ...turn, steps });
    }
    case "tool-result": {
      const stepIndex = turn.steps.findLastIndex((s) => s.tools.some((t) => t.callId === event.callId));
      const owner = turn.steps[stepIndex];
      if (!owner) return waterfall;
      const tools = owner.tools.map((t) =>
        t.callId === event.callId
          ? {
              ...t,
              end: Math.max(at, t.start),
              durationMs: event.durationMs,
              ok: event.ok && event.state === "completed",
              exitCode: event.exitCode ?? null,
            }
          : t,
      );
      const steps = turn.steps.map((s, i) => (i === stepIndex ? { ...s, tools } : s));
      return withTurn({ ...turn, steps });
    }
    case "step-finish": {
      if (!step || step.end !== null) return waterfall;
      const finished: WaterfallStep = {
        ...step,
        end: at,
        active: true,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        costUsd: event.costUsd,
        costKnown: event.costKnown !== false,
        tier: event.tier ?? step.tier,
      };
      const next = openStep(turn.steps.length + 1, event.seq, at, turn.tier);
      const steps = [...replaceLast(turn.steps, finished), next];
      return withTurn({ ...turn, steps });
    }
    case "tier": {
      // a step the model has not started yet goes to the new tier; one under way keeps its own
      // (its failure is what moved the next one) and shows the change it led to
      if (!step || step.end !== null) return withTurn({ ...turn, tier: event.tier });
      const started = step.active || step.tools.length > 0;
      const next: WaterfallStep = {
        ...step,
        tier: started ? step.tier : event.tier,
        tierChange: event.message,
      };
      return withTurn({ ...turn, tier: event.tier, steps: replaceLast(turn.steps, next) });
    }
    case "turn-end":
      return withTurn(closeTurn(turn, at, event.status, event.error ?? null));
    case "status":
      if (event.status !== "interrupted") return waterfall;
      return withTurn(closeTurn(turn, at, "interrupted", event.note ?? null));
    default:
      return waterfall;
  }
}

export interface TurnTotals {
  durationMs: number;
  /** Wall time of steps minus the time their tools ran (tools of a step may overlap). */
  modelMs: number;
  toolMs: number;
  toolCalls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Sums a turn; spans still running are measured up to `now`. */
export function turnTotals(turn: WaterfallTurn, now: number): TurnTotals {
  const totals: TurnTotals = {
    durationMs: Math.max(0, (turn.end ?? now) - turn.start),
    modelMs: 0,
    toolMs: 0,
    toolCalls: 0,
    failedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
  };
  for (const step of turn.steps) {
    const stepEnd = step.end ?? now;
    const toolTime = unionLength(step.tools.map((t) => [t.start, t.end ?? stepEnd] as const));
    totals.modelMs += Math.max(0, stepEnd - step.start - toolTime);
    totals.toolMs += toolTime;
    totals.toolCalls += step.tools.length;
    totals.failedCalls += step.tools.filter((t) => t.ok === false).length;
    totals.inputTokens += step.inputTokens;
    totals.outputTokens += step.outputTokens;
    totals.costUsd += step.costUsd;
  }
  return totals;
}

/** Total length covered by possibly overlapping intervals. */
export function unionLength(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = intervals.filter(([a, b]) => b > a).toSorted((x, y) => x[0] - y[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [a, b] of sorted) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/** Round tick positions (1, 2 or 5 × 10ⁿ ms apart) for an axis `totalMs` long: at least 2, at most 6. */
export function niceTicks(totalMs: number): number[] {
  if (!(totalMs > 0)) return [0];
  const raw = totalMs / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude) || 1;
  const ticks: number[] = [];
  for (let t = 0; t <= totalMs + 1e-9 && ticks.length < 6; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return ticks;
}
