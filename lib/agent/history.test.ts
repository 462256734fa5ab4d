import { describe, expect, it } from "vitest";
import { toModelMessages } from "./history";

describe("toModelMessages", () => {
  it("splits an assistant message into steps: call, results, then the next text", () => {
    const messages = toModelMessages([
      { role: "user", parts: [{ type: "text", text: "list files" }] },
      {
        role: "assistant",
        parts: [
          { type: "text", text: "Looking." },
          {
            type: "tool",
            callId: "c1",
            tool: "run_command",
            input: { command: "ls" },
            state: "completed",
            output: "a b",
          },
          {
            type: "tool",
            callId: "c2",
            tool: "run_command",
            input: { command: "false" },
            state: "error",
            output: "boom",
          },
          { type: "text", text: "Found a and b." },
        ],
      },
    ]);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(messages[2]).toMatchObject({
      content: [
        { toolCallId: "c1", output: { type: "text", value: "a b" } },
        { toolCallId: "c2", output: { type: "error-text", value: "boom" } },
      ],
    });
    expect(messages[3]).toMatchObject({ content: [{ type: "text", text: "Found a and b." }] });
  });

  it("closes a tool call that never finished so the model sees a result", () => {
    const messages = toModelMessages([
      {
        role: "assistant",
        parts: [{ type: "tool", callId: "c1", tool: "run_command", input: {}, state: "running" }],
      },
    ]);
    expect(messages[1]).toMatchObject({
      content: [{ output: { type: "error-text", value: "The tool call was interrupted." } }],
    });
  });
});
