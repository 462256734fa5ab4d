import { describe, expect, it } from "vitest";
import type { SessionEventBody } from "@/lib/events/types";
import {
  endsAtLineStart,
  formatDelay,
  initialRenderState,
  plainText,
  type RenderState,
  renderEvent,
  renderEvents,
  SGR,
} from "./render-event";

/** Drops SGR sequences so assertions can read the visible text. */
function visible(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) === 0x1b && text[i + 1] === "[") {
      i += 2;
      while (i < text.length && !/[@-~]/.test(text[i] ?? "")) i++;
      i++;
      continue;
    }
    out += text[i];
    i++;
  }
  return out;
}

const midLine: RenderState = {
  ...initialRenderState,
  atLineStart: false,
  wroteAnything: true,
  stream: "text",
};

const toolCall: SessionEventBody = {
  type: "tool-call",
  callId: "c1",
  tool: "run_command",
  input: { command: "npm test" },
  summary: "npm test",
};

const okResult: SessionEventBody = {
  type: "tool-result",
  callId: "c1",
  tool: "run_command",
  state: "completed",
  ok: true,
  exitCode: 0,
  durationMs: 1200,
  summary: "exit 0 · 1.2s",
};

describe("renderEvent", () => {
  it("renders the first user message without a leading blank line, with a bold accent prompt", () => {
    const { text, state } = renderEvent(
      { type: "user-message", messageId: "m1", text: "fix the tests" },
      initialRenderState,
    );
    expect(text).toContain(`${SGR.bold}${SGR.accent}❯${SGR.reset} `);
    expect(visible(text)).toBe("❯ fix the tests\n\n");
    expect(state).toMatchObject({ atLineStart: true, wroteAnything: true });
  });

  it("separates a later user message with a blank line, ending the current line first", () => {
    const { text } = renderEvent({ type: "user-message", messageId: "m2", text: "again" }, midLine);
    expect(visible(text)).toBe("\n\n❯ again\n\n");
  });

  it("indents continuation lines of a multi-line message and strips control codes", () => {
    const { text } = renderEvent(
      { type: "user-message", messageId: "m3", text: "line one\r\nline \x1b[31mtwo\x07" },
      initialRenderState,
    );
    expect(visible(text)).toBe("❯ line one\n  line [31mtwo\n\n");
    expect(text).not.toContain("\x1b[31m");
  });

  it("writes assistant text as-is and tracks the column", () => {
    const first = renderEvent(
      { type: "text-delta", text: "Hello" },
      { ...initialRenderState, stream: "line" },
    );
    expect(first.text).toBe(`${SGR.reset}Hello`);
    expect(first.state.atLineStart).toBe(false);
    const second = renderEvent({ type: "text-delta", text: " world\n" }, first.state);
    expect(second.text).toBe(" world\n");
    expect(second.state.atLineStart).toBe(true);
  });

  it("renders reasoning dim italic and starts text after it on a fresh line", () => {
    const reasoning = renderEvent({ type: "reasoning-delta", text: "thinking" }, initialRenderState);
    expect(reasoning.text).toBe(`${SGR.reset}${SGR.dim}${SGR.italic}thinking${SGR.reset}`);
    const text = renderEvent({ type: "text-delta", text: "Answer" }, reasoning.state);
    expect(text.text).toBe(`${SGR.reset}\nAnswer`);
  });

  it("puts a tool call on its own line with accent tool name and dim summary", () => {
    const { text, state } = renderEvent(toolCall, midLine);
    expect(text).toBe(
      `${SGR.reset}\n${SGR.accent}▸ run_command${SGR.reset}  ${SGR.dim}npm test${SGR.reset}\n`,
    );
    expect(visible(text)).toBe("\n▸ run_command  npm test\n");
    expect(state.atLineStart).toBe(true);
  });

  it("keeps a multi-line summary on one line", () => {
    const { text } = renderEvent({ ...toolCall, summary: "echo a\necho b" }, initialRenderState);
    expect(visible(text)).toBe("▸ run_command  echo a ↵ echo b\n");
  });

  it("passes tool output through untouched, colours included", () => {
    const chunk = "\x1b[32mPASS\x1b[39m src/a.test.ts\r\n\x1b[31mFAIL\x1b[0m b";
    const { text, state } = renderEvent({ type: "tool-output", callId: "c1", chunk }, initialRenderState);
    expect(text).toBe(chunk);
    expect(state.atLineStart).toBe(false);
  });

  it("ends unterminated output before the result line, and resets its colours", () => {
    const out = renderEvent(
      { type: "tool-output", callId: "c1", chunk: "\x1b[33mpartial" },
      initialRenderState,
    );
    const { text, state } = renderEvent(okResult, out.state);
    expect(text.startsWith(`${SGR.reset}\n`)).toBe(true);
    expect(text).toBe(`${SGR.reset}\n${SGR.dim}✓ exit 0 · 1.2s${SGR.reset}\n`);
    expect(state.atLineStart).toBe(true);
  });

  it("does not add a blank line when output already ended with a newline (even with a trailing reset)", () => {
    const out = renderEvent(
      { type: "tool-output", callId: "c1", chunk: "done\n\x1b[0m" },
      initialRenderState,
    );
    expect(out.state.atLineStart).toBe(true);
    expect(visible(renderEvent(okResult, out.state).text)).toBe("✓ exit 0 · 1.2s\n");
  });

  it("renders a failed tool result in red with ✗", () => {
    const { text } = renderEvent(
      { ...okResult, ok: false, state: "error", exitCode: 1, summary: "exit 1 · 0.3s" },
      midLine,
    );
    expect(text).toBe(`${SGR.reset}\n${SGR.red}✗ exit 1 · 0.3s${SGR.reset}\n`);
  });

  it("starts text after a tool result on a fresh line", () => {
    const { text } = renderEvents([
      { type: "text-delta", text: "Running tests." },
      toolCall,
      { type: "tool-output", callId: "c1", chunk: "ok" },
      okResult,
      { type: "text-delta", text: "All green." },
    ]);
    expect(visible(text)).toBe("Running tests.\n▸ run_command  npm test\nok\n✓ exit 0 · 1.2s\nAll green.");
  });

  it("renders notices, retries and errors as styled lines", () => {
    expect(renderEvent({ type: "notice", level: "warn", message: "budget 80% used" }, midLine).text).toBe(
      `${SGR.reset}\n${SGR.yellow}budget 80% used${SGR.reset}\n`,
    );
    expect(
      renderEvent({ type: "notice", level: "info", message: "compacted" }, initialRenderState).text,
    ).toBe(`${SGR.reset}${SGR.dim}compacted${SGR.reset}\n`);
    expect(
      visible(
        renderEvent({ type: "retry", attempt: 1, delayMs: 2000, message: "rate limited" }, initialRenderState)
          .text,
      ),
    ).toBe("↻ retrying in 2s: rate limited\n");
    const error = renderEvent({ type: "error", code: "model", message: "boom" }, initialRenderState);
    expect(error.text).toBe(`${SGR.reset}${SGR.bold}${SGR.red}✗ boom${SGR.reset}\n`);
    expect(error.state.turnErrorShown).toBe(true);
  });

  it("shows the note of an interrupted session", () => {
    const { text } = renderEvent(
      { type: "status", status: "interrupted", note: "server restarted mid-turn" },
      initialRenderState,
    );
    expect(visible(text)).toBe("Session interrupted: server restarted mid-turn\n");
    expect(text.includes(SGR.dim)).toBe(true);
  });

  it("shows nothing for a running/idle status without a note", () => {
    expect(renderEvent({ type: "status", status: "running" }, midLine).text).toBe("");
    expect(renderEvent({ type: "status", status: "idle" }, midLine).text).toBe("");
  });

  it("marks a cancelled turn with a yellow stopped line", () => {
    const { text } = renderEvent({ type: "turn-end", turnId: "t1", status: "cancelled" }, midLine);
    expect(text).toBe(`${SGR.reset}\n${SGR.yellow}■ stopped${SGR.reset}\n`);
  });

  it("shows a turn-end error only when no error line was shown in that turn", () => {
    const end: SessionEventBody = { type: "turn-end", turnId: "t1", status: "error", error: "model failed" };
    expect(visible(renderEvent(end, initialRenderState).text)).toBe("✗ model failed\n");
    const withError = renderEvents([
      { type: "turn-start", turnId: "t1", model: "m" },
      { type: "error", code: "model", message: "model failed" },
      end,
    ]);
    expect(visible(withError.text)).toBe("✗ model failed\n");
  });

  it("writes nothing for usage, step-finish and turn-start", () => {
    expect(
      renderEvent({ type: "usage", inputTokens: 1, outputTokens: 2, costUsd: 0.1, budgetUsd: null }, midLine)
        .text,
    ).toBe("");
    expect(
      renderEvent({ type: "step-finish", step: 1, inputTokens: 1, outputTokens: 1, costUsd: 0 }, midLine)
        .text,
    ).toBe("");
    expect(renderEvent({ type: "turn-start", turnId: "t", model: "gpt" }, midLine).text).toBe("");
  });

  it("ignores unknown event types", () => {
    const unknown = { type: "something-new" } as unknown as SessionEventBody;
    expect(renderEvent(unknown, midLine)).toEqual({ text: "", state: midLine });
  });

  it("is deterministic: replaying the same events yields the same bytes", () => {
    const events: SessionEventBody[] = [
      { type: "user-message", messageId: "m", text: "hi" },
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
      toolCall,
      okResult,
      { type: "turn-end", turnId: "t", status: "completed" },
    ];
    expect(renderEvents(events).text).toBe(renderEvents(events).text);
  });
});

describe("endsAtLineStart", () => {
  it("treats a newline followed only by escape sequences as column 0", () => {
    expect(endsAtLineStart("a\n\x1b[0m\x1b]0;title\x07", false)).toBe(true);
  });

  it("treats a carriage return as still holding text", () => {
    expect(endsAtLineStart("50%\r", true)).toBe(false);
  });

  it("keeps the previous state for escape-only input", () => {
    expect(endsAtLineStart("\x1b[?25l", true)).toBe(true);
    expect(endsAtLineStart("\x1b[?25l", false)).toBe(false);
  });
});

describe("plainText / formatDelay", () => {
  it("keeps printable text and tabs", () => {
    expect(plainText("a\tb\u0007c", true)).toBe("a  bc");
  });

  it("formats delays in seconds", () => {
    expect(formatDelay(2000)).toBe("2s");
    expect(formatDelay(1500)).toBe("1.5s");
    expect(formatDelay(12_345)).toBe("12s");
  });
});
