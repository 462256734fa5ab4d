import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { estimateTokens, fitToBudget } from "./context-budget";

function turn(n: number, outputSize: number): ModelMessage[] {
  return [
    { role: "user", content: `task ${n}` },
    {
      role: "assistant",
      content: [
        { type: "tool-call", toolCallId: `c${n}`, toolName: "run_command", input: { command: `cmd ${n}` } },
      ],
    },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: `c${n}`,
          toolName: "run_command",
          output: { type: "text", value: "x".repeat(outputSize) },
        },
      ],
    },
    { role: "assistant", content: [{ type: "text", text: `done ${n}` }] },
  ];
}

const size = (m: ModelMessage[]) => m.reduce((s, x) => s + estimateTokens(x.content), 0);

describe("fitToBudget", () => {
  it("leaves a conversation that fits untouched", () => {
    const messages = [...turn(1, 100), ...turn(2, 100)];
    const fit = fitToBudget(messages, 10_000);
    expect(fit.messages).toEqual(messages);
    expect(fit.elidedOutputs + fit.summarizedTurns).toBe(0);
  });

  it("elides old tool outputs first, oldest first, never the current turn's", () => {
    const messages = [...turn(1, 8000), ...turn(2, 8000), ...turn(3, 8000)];
    const fit = fitToBudget(messages, 4500);
    expect(fit.elidedOutputs).toBeGreaterThanOrEqual(1);
    expect(fit.summarizedTurns).toBe(0);
    expect(JSON.stringify(fit.messages[2])).toContain("output elided");
    expect(JSON.stringify(fit.messages.at(-2))).not.toContain("output elided");
    expect(size(fit.messages)).toBeLessThanOrEqual(4500);
  });

  it("then summarizes the oldest turns, keeping the last turn whole", () => {
    const messages = Array.from({ length: 40 }, (_, i) => turn(i, 100)).flat();
    const fit = fitToBudget(messages, 900);
    expect(fit.summarizedTurns).toBeGreaterThan(0);
    const first = fit.messages[0];
    expect(first?.role).toBe("user");
    expect(String(first?.content)).toContain("summarized to fit the context window");
    expect(String(first?.content)).toContain("User asked: task 0");
    expect(fit.messages.slice(-4)).toEqual(turn(39, 100));
  });
});
