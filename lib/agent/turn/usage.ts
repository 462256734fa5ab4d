import type { LanguageModelUsage } from "ai";
import { addSessionUsage } from "@/lib/db/queries/sessions";
import { costOfStep } from "@/lib/model/model-facts";
import { recordModelStep } from "@/lib/telemetry/recorder";
import { activeTurns } from "../active-turns";
import type { TurnPlan, TurnState } from "./state";

/**
 * A finished model step: its telemetry row (off the hot path), the session's running totals, both
 * shown, then the budget: a warning at 80 %, and at 100 % the turn is stopped.
 */
export async function recordStepUsage(
  turn: TurnState,
  plan: TurnPlan,
  usage: LanguageModelUsage,
  durationMs: number,
): Promise<void> {
  const { sessionId, turnId } = turn;
  const step = ++turn.steps;
  const inputTokens = usage.inputTokens ?? 0;
  const outputTokens = usage.outputTokens ?? 0;
  const { model, tier } = turn.stepModel;
  const priced = costOfStep(plan.facts(model).price, {
    inputTokens,
    outputTokens,
    cachedInputTokens: usage.inputTokenDetails?.cacheReadTokens ?? 0,
  });
  // a model nobody priced adds nothing to the budget, and the step says its cost is unknown
  const costUsd = priced ?? 0;
  recordModelStep({
    sessionId,
    turnId,
    step,
    model,
    tier: tier ?? null,
    inputTokens,
    outputTokens,
    costUsd,
    durationMs: Math.round(durationMs),
  }).catch((error) => console.error("[ratchet] telemetry write failed", error));
  const totals = await addSessionUsage(sessionId, { inputTokens, outputTokens, costUsd });
  const reasoningTokens = usage.outputTokenDetails?.reasoningTokens;
  await turn.emit({
    type: "step-finish",
    step,
    inputTokens,
    outputTokens,
    ...(reasoningTokens ? { reasoningTokens } : {}),
    costUsd,
    ...(tier ? { model, tier } : {}),
    ...(priced === null ? { costKnown: false } : {}),
  });
  await turn.emit({
    type: "usage",
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    costUsd: totals.costUsd,
    budgetUsd: totals.budgetUsd,
  });
  await checkBudget(turn, totals.costUsd);
}

async function checkBudget(turn: TurnState, spentUsd: number): Promise<void> {
  const budget = turn.budgetUsd;
  if (budget === null) return;
  if (spentUsd >= budget) {
    // finish() reads the reason: a spent budget ends the turn as an error, not a cancel
    const active = activeTurns().get(turn.sessionId);
    if (active) active.stopReason ??= "budget";
    turn.controller.abort(new Error("budget"));
  } else if (!turn.warnedBudget && spentUsd >= 0.8 * budget) {
    turn.warnedBudget = true;
    await turn.emit({
      type: "notice",
      level: "warn",
      message: `80% of this session's $${budget.toFixed(2)} budget is spent ($${spentUsd.toFixed(4)}).`,
    });
  }
}
