import type { ModelMessage } from "ai";

/** A rough token estimate (≈4 characters per token), good enough to decide what to trim. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return Math.ceil(text.length / 4) + 4;
}

export interface FitResult {
  messages: ModelMessage[];
  elidedOutputs: number;
  summarizedTurns: number;
}

function total(messages: ModelMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content), 0);
}

/** Whether the conversation fits the budget as it is (fitToBudget leaves it alone then). */
export function fitsBudget(messages: ModelMessage[], budget: number): boolean {
  return total(messages) <= budget;
}

/** Index of the first message of each user turn. */
function turnStarts(messages: ModelMessage[]): number[] {
  return messages.flatMap((m, i) => (m.role === "user" ? [i] : []));
}

function elideOutput(message: ModelMessage): ModelMessage {
  if (message.role !== "tool") return message;
  return {
    ...message,
    content: message.content.map((part) => {
      if (part.type !== "tool-result") return part;
      const output = part.output;
      if ((output.type !== "text" && output.type !== "error-text") || output.value.length <= 200) return part;
      const head = output.value.slice(0, 160);
      const note = `${head}\n[… output elided to fit the context window: ${output.value.length} characters; run the command again if you need it]`;
      return { ...part, output: { ...output, value: note } };
    }),
  };
}

function summarizeTurn(turn: ModelMessage[]): string {
  const user = turn[0]?.role === "user" && typeof turn[0].content === "string" ? turn[0].content : "";
  const calls: string[] = [];
  let lastText = "";
  for (const m of turn) {
    if (m.role !== "assistant" || typeof m.content === "string") continue;
    for (const part of m.content) {
      if (part.type === "tool-call")
        calls.push(`${part.toolName} ${JSON.stringify(part.input).slice(0, 120)}`);
      if (part.type === "text") lastText = part.text;
    }
  }
  const lines = [`- User asked: ${user.slice(0, 300)}`];
  if (calls.length)
    lines.push(
      `  Tools used: ${calls.slice(0, 8).join("; ")}${calls.length > 8 ? ` (+${calls.length - 8} more)` : ""}`,
    );
  if (lastText) lines.push(`  You answered: ${lastText.slice(0, 300)}`);
  return lines.join("\n");
}

/**
 * Fits the conversation to a token budget, for the model only (the stored history stays
 * complete): first old tool outputs are elided, oldest first; then the oldest turns are
 * replaced by a short summary. The current turn is never touched.
 */
export function fitToBudget(messages: ModelMessage[], budget: number): FitResult {
  let result = [...messages];
  let elidedOutputs = 0;
  const starts = turnStarts(result);
  const currentTurn = starts.at(-1) ?? 0;
  for (let i = 0; i < currentTurn && total(result) > budget; i++) {
    const before = result[i];
    if (!before) continue;
    const after = elideOutput(before);
    if (after !== before && JSON.stringify(after) !== JSON.stringify(before)) {
      result[i] = after;
      elidedOutputs++;
    }
  }
  let summarizedTurns = 0;
  if (total(result) > budget && starts.length > 1) {
    const summaries: string[] = [];
    let cut = 0;
    for (
      let t = 0;
      t < starts.length - 1 && total(result.slice(cut)) + estimateTokens(summaries.join("\n")) > budget;
      t++
    ) {
      const from = starts[t] ?? 0;
      const to = starts[t + 1] ?? currentTurn;
      summaries.push(summarizeTurn(result.slice(from, to)));
      cut = to;
      summarizedTurns++;
    }
    const summary: ModelMessage = {
      role: "user",
      content: `[Earlier in this session (summarized to fit the context window):\n${summaries.join("\n")}\n]`,
    };
    const ack: ModelMessage = { role: "assistant", content: [{ type: "text", text: "Understood." }] };
    result = [summary, ack, ...result.slice(cut)];
  }
  return { messages: result, elidedOutputs, summarizedTurns };
}
