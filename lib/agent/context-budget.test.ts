import type { ModelMessage } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { estimateTokens, fitToBudget, jsonLength } from "./context-budget";

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

describe("jsonLength", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const VALUES: [string, unknown][] = [
    ["plain text", "hello"],
    ["every escape", 'q" b\\ \b\t\n\f\r \u0000\u0001\u001f \u007f'],
    ["unicode", "é ✓ \u2028\u2029 🦀"],
    ["lone surrogates", "\ud800 x \udfff \ud83e"],
    ["a pair split by the end", "abc\ud83e"],
    ["numbers", [0, -0, 1.5, -2e-7, 1e21, Number.NaN, Number.POSITIVE_INFINITY, 123456789]],
    ["literals", [true, false, null]],
    ["skipped items", [undefined, () => 1, Symbol("s"), 1]],
    ["holes", Object.assign(new Array(3), { 1: "x" })],
    ["skipped fields", { a: undefined, b: () => 1, c: Symbol("s"), d: 1, 'k"ey': "v" }],
    ["empty ones", [[], {}, ""]],
    ["a Date", { at: new Date("2026-12-06T12:00:00.000Z") }],
    ["bytes", { data: new Uint8Array([1, 2, 3]) }],
    ["an object with toJSON", { x: { toJSON: () => "short" } }],
    [
      "a class instance",
      {
        x: new (class {
          y = 1;
        })(),
      },
    ],
    ["a null-prototype object", Object.assign(Object.create(null), { a: 1 })],
    ["a conversation", turn(1, 100)],
    [
      "a flood's output",
      turn(2, 0).map((m) => (m.role === "tool" ? { ...m, content: "y\n".repeat(50_000) } : m)),
    ],
  ];

  it.each(VALUES)("is the length of the JSON of %s", (_, value) => {
    expect(jsonLength(value)).toBe(JSON.stringify(value).length);
  });

  it("does not serialize plain data to measure it", () => {
    const messages = turn(1, 100_000);
    const stringify = vi.spyOn(JSON, "stringify");
    const tokens = messages.map((m) => estimateTokens(m.content));
    expect(stringify).not.toHaveBeenCalled();
    stringify.mockRestore();
    // the estimate it always was: the JSON's length (a string's own) in fours
    const serialized = (content: unknown) =>
      typeof content === "string" ? content : JSON.stringify(content);
    expect(tokens).toEqual(messages.map((m) => Math.ceil(serialized(m.content).length / 4) + 4));
  });
});
