import type { ModelMessage, TextStreamPart, ToolSet } from "ai";
import { createStreamMasker, type StreamMasker } from "@/lib/sandbox";
import { fitsBudget } from "../context-budget";
import { failTurn, type StepOutcome, type TurnPlan, type TurnState } from "./state";
import { recordStepUsage } from "./usage";

/** What the processor reads of one model request (a `streamText` result). */
export interface StepStream {
  fullStream: AsyncIterable<TextStreamPart<ToolSet>>;
  /** The assistant and tool messages the step added; read only once the stream is through. */
  responseMessages: PromiseLike<ModelMessage[]>;
}

/** One step as the processor follows it. */
interface StepProgress {
  /** The stream's text and reasoning ids → their parts in the transcript. */
  readonly texts: Map<string, number>;
  readonly reasonings: Map<string, number>;
  /**
   * One masker per text and per reasoning stream: a secret the model writes across two deltas is
   * recognised whole (the masker holds back an unfinished token until the next delta or the end).
   */
  readonly maskers: Map<string, StreamMasker>;
  startedAt: number;
  /** Tool calls the model made in this step, and how many of them have a result (or an error). */
  calls: number;
  answered: number;
  /** The step failed (said once: what the stream sends after its first error is not shown). */
  failed: boolean;
  /** The endpoint refused the request as longer than its context window. */
  overflow?: boolean;
  /** Why the endpoint says the step ended, from its `finish-step`. */
  finishReason?: string;
}

function maskerFor(step: StepProgress, turn: TurnState, key: string): StreamMasker {
  let masker = step.maskers.get(key);
  if (!masker) {
    masker = createStreamMasker(turn.secrets);
    step.maskers.set(key, masker);
  }
  return masker;
}

/**
 * The stream processor: follows one model step part by part (text into the transcript and onto the
 * screen, masked; tool calls the SDK refused recorded; usage counted against the budget; a failure
 * described) and says how the step ended. `sent` is the conversation the step was sent.
 */
export async function processStep(
  turn: TurnState,
  plan: TurnPlan,
  stream: StepStream,
  sent: ModelMessage[],
): Promise<StepOutcome> {
  const step: StepProgress = {
    texts: new Map(),
    reasonings: new Map(),
    maskers: new Map(),
    startedAt: performance.now(),
    calls: 0,
    answered: 0,
    failed: false,
  };
  for await (const part of stream.fullStream) {
    // after the step's first error only its usage is read: the request was paid for
    if (step.failed && part.type !== "finish-step") continue;
    await handle(turn, plan, step, part);
  }
  if (step.overflow) return { type: "overflow" };
  if (step.failed) return { type: "fail" };
  const cut = CUTS[step.finishReason ?? ""];
  if (cut && !turn.controller.signal.aborted) {
    await endedEarly(turn, plan, cut);
    return { type: "stop" };
  }
  // the SDK's own rule for another step: every call the model made has its result
  const wantsResults = step.calls > 0 && step.answered === step.calls;
  if (turn.controller.signal.aborted || !wantsResults) return { type: "stop" };
  const messages = [...sent, ...(await stream.responseMessages)];
  return { type: fitsBudget(messages, plan.budget) ? "continue" : "compact", messages };
}

async function handle(
  turn: TurnState,
  plan: TurnPlan,
  step: StepProgress,
  part: TextStreamPart<ToolSet>,
): Promise<void> {
  switch (part.type) {
    case "text-start":
      step.texts.set(part.id, plan.transcript.startText());
      break;
    case "text-delta": {
      const index = step.texts.get(part.id);
      const text = maskerFor(step, turn, `text:${part.id}`).push(part.text);
      if (index !== undefined && text) plan.transcript.appendText(index, text);
      if (text) await turn.emit({ type: "text-delta", text });
      break;
    }
    case "text-end": {
      const index = step.texts.get(part.id);
      const rest = maskerFor(step, turn, `text:${part.id}`).flush();
      if (index !== undefined && rest) plan.transcript.appendText(index, rest);
      if (rest) await turn.emit({ type: "text-delta", text: rest });
      if (index !== undefined) await plan.transcript.save(index);
      break;
    }
    case "reasoning-start":
      step.reasonings.set(part.id, plan.transcript.startReasoning());
      break;
    case "reasoning-delta": {
      // the model's reasoning reaches the screen and the database like its answer: masked
      const index = step.reasonings.get(part.id);
      const text = maskerFor(step, turn, `reasoning:${part.id}`).push(part.text);
      if (index !== undefined && text) plan.transcript.appendText(index, text);
      if (text) await turn.emit({ type: "reasoning-delta", text });
      break;
    }
    case "reasoning-end": {
      const index = step.reasonings.get(part.id);
      const rest = maskerFor(step, turn, `reasoning:${part.id}`).flush();
      if (index !== undefined && rest) plan.transcript.appendText(index, rest);
      if (rest) await turn.emit({ type: "reasoning-delta", text: rest });
      if (index !== undefined) await plan.transcript.save(index);
      break;
    }
    case "tool-call":
      if (!part.providerExecuted) step.calls++;
      break;
    case "tool-result":
      if (!part.providerExecuted) step.answered++;
      break;
    case "tool-error":
      if (!part.providerExecuted) step.answered++;
      await plan.tools.recordRefused({
        callId: part.toolCallId,
        tool: part.toolName,
        input: part.input,
        error: part.error,
      });
      break;
    case "start-step":
      step.startedAt = performance.now();
      break;
    case "finish-step":
      step.finishReason = part.finishReason;
      await recordStepUsage(turn, plan, part.usage, performance.now() - step.startedAt);
      break;
    case "error": {
      // after Stop or a spent budget the request's abort surfaces here too: that is not a failure
      if (turn.controller.signal.aborted) break;
      step.failed = true;
      const failure = turn.client.describe(part.error);
      // the endpoint counted the conversation as too long before answering: compacted, it gets one more try
      if (failure.code === "model_context_overflow" && !turn.overflowRetried && !step.calls) {
        step.overflow = true;
        break;
      }
      await failTurn(turn, failure);
      break;
    }
    default:
      break;
  }
}

type Cut = "length" | "content-filter";
const CUTS: Record<string, Cut | undefined> = { length: "length", "content-filter": "content-filter" };

const CUT_NOTICES: Record<Cut, string> = {
  length:
    "The answer was cut off: the model reached its output token limit (finish reason: length). The next turn knows; ask it to continue, or to do less at once.",
  "content-filter":
    "The endpoint stopped the answer under its content policy (finish reason: content filter). What came before is kept; the next turn knows.",
};

/**
 * The endpoint ended the answer, not the model: the person sees a notice, the transcript marks the
 * text as cut (the next turn's history says so), and the turn does not go on as if it were whole.
 */
async function endedEarly(turn: TurnState, plan: TurnPlan, cut: Cut): Promise<void> {
  turn.cut = cut;
  await plan.transcript.markCut(cut);
  await turn.emit({ type: "notice", level: "warn", message: CUT_NOTICES[cut] });
}
