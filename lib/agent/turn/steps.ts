import { isStepCount, type ModelMessage, streamText } from "ai";
import { fitToBudget } from "../context-budget";
import { afterStep } from "./checkpoints";
import { processStep } from "./processor";
import type { TurnPlan, TurnState } from "./state";
import { noteTier } from "./tiering";

/**
 * The third part of a turn: the model steps, one request each. The stream processor says how each
 * step ended; this loop sends the next one while the model waits for tool results, trimming the
 * conversation first when it has outgrown the budget, up to the step limit.
 */
export async function runSteps(turn: TurnState, plan: TurnPlan): Promise<void> {
  let messages = plan.messages;
  turn.calledModel = true;
  for (;;) {
    turn.stepModel = { model: turn.model, tier: turn.tiers?.tier ?? null };
    const result = streamText({
      model: turn.client.model,
      instructions: await instructionsForStep(turn, plan),
      messages,
      tools: plan.tools.tools,
      // one step per request: whether there is another is this loop's decision
      stopWhen: isStepCount(1),
      maxRetries: 0,
      abortSignal: turn.controller.signal,
      onError: () => {},
    });
    const outcome = await processStep(turn, plan, result, messages);
    afterStep(turn);
    await noteTier(turn, { type: "step-end" });
    if (outcome.type === "overflow") {
      messages = await compactAfterOverflow(turn, plan, messages);
      continue;
    }
    if (outcome.type === "stop" || outcome.type === "fail" || turn.steps >= plan.stepLimit) break;
    messages =
      outcome.type === "compact" ? fitToBudget(outcome.messages, plan.budget).messages : outcome.messages;
  }
  if (!turn.failure && turn.steps >= plan.stepLimit && !turn.controller.signal.aborted) {
    await turn.emit({
      type: "notice",
      level: "warn",
      message: `Stopped after the step limit of ${plan.stepLimit} steps. Send a message to continue.`,
    });
  }
}

/**
 * The system prompt for the next request: rebuilt (and the agent tools reinstalled) after
 * reload_tools, and carrying, once, the friction the harness has just seen.
 */
async function instructionsForStep(turn: TurnState, plan: TurnPlan): Promise<string> {
  if (turn.promptStale) {
    turn.instructions = await plan.buildPrompt();
    if (turn.toolbox) plan.tools.installAgentTools(turn.toolbox.catalog);
    turn.promptStale = false;
  }
  // structure over vigilance: friction the harness saw reaches the very next model call
  const nudge = turn.friction?.takeNudge();
  return nudge ? `${turn.instructions}\n\n${nudge}` : turn.instructions;
}

/**
 * The endpoint's window is smaller than the settings say (or its tokens count differently): the
 * conversation is fitted to half the budget and sent once more, and the person is told why.
 */
async function compactAfterOverflow(turn: TurnState, plan: TurnPlan, messages: ModelMessage[]) {
  turn.overflowRetried = true;
  const fitted = fitToBudget(messages, Math.floor(plan.budget / 2));
  await turn.emit({
    type: "notice",
    level: "warn",
    message: `The endpoint said the conversation exceeds the model's context window; compacted it (${fitted.elidedOutputs} tool outputs elided, ${fitted.summarizedTurns} turns summarized) and sent it once more. If this recurs, lower the context window in Settings.`,
  });
  return fitted.messages;
}
