/**
 * Model tiers: which of two models (Settings: a fast one and a strong one) answers the next step of
 * a turn. Pure rules over what the turn has seen, like lib/telemetry/derive.ts: the runner feeds them
 * signals and sends each step to the model of the tier they say, and shows every change with its
 * reason. bmo had a fast and a strong model and escalated by hand; here it follows the record.
 *
 * - A turn starts on fast, unless the session pins a tier (its override) or it is a maintenance
 *   pass (reflection and battery changes are where a weak answer costs most: always strong).
 * - Escalate to strong when the same tool fails twice in the turn, when FAILED_CALLS calls have
 *   failed, or when a friction is recorded in the turn (the friction detector's own judgement).
 * - De-escalate to fast after CLEAN_STEPS steps in a row on strong without a failed call; the
 *   next turn starts on fast again whatever the last one ended on.
 */

export type Tier = "fast" | "strong";
export type TierOverride = "auto" | Tier;
export const TIER_OVERRIDES = ["auto", "fast", "strong"] as const satisfies readonly TierOverride[];

/** A stored override read by allowlist: anything but a known value is "auto". */
export function parseTierOverride(value: string | null | undefined): TierOverride {
  return (TIER_OVERRIDES as readonly string[]).includes(value ?? "") ? (value as TierOverride) : "auto";
}

export const TIER_RULES = {
  /** The same tool failing this many times in a turn escalates. */
  sameToolFailures: 2,
  /** This many failed calls in a turn, whatever the tools, escalate. */
  failedCalls: 3,
  /** Steps in a row without a failed call that bring an escalated turn back to fast. */
  cleanSteps: 3,
} as const;

export interface TierState {
  tier: Tier;
  /** Pinned by the session's override or the kind of turn: the rules do not move it. */
  pinned: boolean;
  failuresByTool: Readonly<Record<string, number>>;
  failedCalls: number;
  /** A call failed in the step under way. */
  stepFailed: boolean;
  /** Steps in a row on strong without a failed call. */
  cleanSteps: number;
}

export interface TierChange {
  from: Tier | null;
  to: Tier;
  reason: string;
}

export interface TierStart {
  kind: "agent" | "maintenance" | "evaluation";
  override: TierOverride;
}

export type TierSignal =
  | { type: "call"; tool: string; ok: boolean }
  | { type: "friction"; kind: string }
  | { type: "step-end" };

export interface TierStep {
  state: TierState;
  /** Set when the tier changes: the runner says so in the transcript, and the next step uses `to`. */
  change: TierChange | null;
}

function fresh(tier: Tier, pinned: boolean): TierState {
  return { tier, pinned, failuresByTool: {}, failedCalls: 0, stepFailed: false, cleanSteps: 0 };
}

/** The tier a turn starts on, and why. */
export function startTier({ kind, override }: TierStart): TierStep {
  if (override !== "auto") {
    return {
      state: fresh(override, true),
      change: { from: null, to: override, reason: `pinned to ${override} for this session` },
    };
  }
  if (kind === "maintenance") {
    return {
      state: fresh("strong", true),
      change: { from: null, to: "strong", reason: "maintenance passes always run on strong" },
    };
  }
  return { state: fresh("fast", false), change: { from: null, to: "fast", reason: "a turn starts on fast" } };
}

function escalate(reason: string): TierStep {
  // counted afresh on strong (a de-escalated turn escalates again on new failures, not old ones);
  // the step that escalated is not a clean one
  const state = { ...fresh("strong", false), stepFailed: true };
  return { state, change: { from: "fast", to: "strong", reason } };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const TIMES: Record<number, string> = { 2: "twice", 3: "three times" };

/** The state after one signal; `change` says when the next step goes to another tier. */
export function nextTier(state: TierState, signal: TierSignal): TierStep {
  switch (signal.type) {
    case "call": {
      if (signal.ok) return { state, change: null };
      const count = (state.failuresByTool[signal.tool] ?? 0) + 1;
      const next: TierState = {
        ...state,
        failuresByTool: { ...state.failuresByTool, [signal.tool]: count },
        failedCalls: state.failedCalls + 1,
        stepFailed: true,
      };
      if (next.pinned || next.tier === "strong") return { state: next, change: null };
      if (count >= TIER_RULES.sameToolFailures)
        return escalate(`${signal.tool} failed ${TIMES[count] ?? `${count} times`}`);
      if (next.failedCalls >= TIER_RULES.failedCalls)
        return escalate(`${plural(next.failedCalls, "tool call")} failed in this turn`);
      return { state: next, change: null };
    }
    case "friction":
      if (state.pinned || state.tier === "strong") return { state, change: null };
      return escalate(`friction recorded: ${signal.kind}`);
    case "step-end": {
      if (state.tier === "fast" || state.pinned)
        return { state: { ...state, stepFailed: false }, change: null };
      const cleanSteps = state.stepFailed ? 0 : state.cleanSteps + 1;
      if (cleanSteps >= TIER_RULES.cleanSteps) {
        return {
          state: fresh("fast", false),
          change: { from: "strong", to: "fast", reason: `${plural(cleanSteps, "clean step")} on strong` },
        };
      }
      return { state: { ...state, stepFailed: false, cleanSteps }, change: null };
    }
  }
}

/** How a change reads in the transcript: "escalated to strong: run_command failed twice". */
export function describeTierChange(change: TierChange, model: string): string {
  const verb = change.from === null ? "on" : change.to === "strong" ? "escalated to" : "back to";
  return `${verb} ${change.to} (${model}): ${change.reason}`;
}
