import { describe, expect, it } from "vitest";
import type { SessionEventBody } from "@/lib/events/types";
import {
  formatDelay,
  GUTTER,
  initialRenderState,
  plainText,
  type RenderState,
  renderEvent,
  renderEvents,
  SGR,
} from "./render-event";

// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences are what it matches
const ANY_SGR = /\x1b\[[0-9;:]*m/g;
/** Every control character but \n and \r, C1 included. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it matches
const CONTROLS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Drops SGR sequences so assertions can read the visible text. */
function visible(text: string): string {
  return text.replace(ANY_SGR, "");
}

/**
 * What a terminal shows for the rendered bytes, one string per row. Fails on anything but
 * printable characters, `\n`, `\r` and SGR: the renderer must never emit anything else.
 */
function screen(text: string): string[] {
  const rows: string[][] = [[]];
  let col = 0;
  for (const ch of text.replace(ANY_SGR, "")) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\n") {
      rows.push([]);
      col = 0;
    } else if (ch === "\r") col = 0;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
      throw new Error(`control U+${code.toString(16)} emitted`);
    else {
      const row = rows[rows.length - 1] ?? [];
      while (row.length < col) row.push(" ");
      row[col++] = ch;
    }
  }
  return rows.map((r) => r.join(""));
}

const midLine: RenderState = { ...initialRenderState, col: 7, wroteAnything: true, stream: "text" };

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

const output = (chunk: string): SessionEventBody => ({ type: "tool-output", callId: "c1", chunk });

describe("renderEvent", () => {
  it("renders the first user message without a leading blank line, with a bold accent prompt", () => {
    const { text, state } = renderEvent(
      { type: "user-message", messageId: "m1", text: "fix the tests" },
      initialRenderState,
    );
    expect(text).toContain(`${SGR.bold}${SGR.accent}❯${SGR.reset} `);
    expect(visible(text)).toBe("❯ fix the tests\n\n");
    expect(state).toMatchObject({ col: 0, wroteAnything: true });
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

  it("writes assistant text behind the gutter and tracks the column", () => {
    const first = renderEvent(
      { type: "text-delta", text: "Hello" },
      { ...initialRenderState, stream: "line" },
    );
    expect(visible(first.text)).toBe(`${GUTTER}Hello`);
    expect(first.text.endsWith(SGR.reset)).toBe(true);
    expect(first.state.col).toBe(GUTTER.length + 5);
    const second = renderEvent({ type: "text-delta", text: " world\nagain" }, first.state);
    expect(visible(second.text)).toBe(` world\n${GUTTER}again`);
    expect(second.state.col).toBe(GUTTER.length + 5);
  });

  it("renders reasoning dim italic and starts text after it on a fresh line", () => {
    const reasoning = renderEvent({ type: "reasoning-delta", text: "thinking" }, initialRenderState);
    expect(reasoning.text).toBe(`${SGR.reset}${GUTTER}${SGR.dim}${SGR.italic}thinking${SGR.reset}`);
    const text = renderEvent({ type: "text-delta", text: "Answer" }, reasoning.state);
    expect(visible(text.text)).toBe(`\n${GUTTER}Answer`);
  });

  it("puts a tool call on its own line at column 0 with accent tool name and dim summary", () => {
    const { text, state } = renderEvent(toolCall, midLine);
    expect(text).toBe(
      `${SGR.reset}\n${SGR.accent}▸ run_command${SGR.reset}  ${SGR.dim}npm test${SGR.reset}\n`,
    );
    expect(state.col).toBe(0);
  });

  it("keeps a multi-line summary on one line", () => {
    const { text } = renderEvent({ ...toolCall, summary: "echo a\necho b" }, initialRenderState);
    expect(visible(text)).toBe("▸ run_command  echo a ↵ echo b\n");
  });

  it("breaks output rows at the width, for every width and line length, however the chunks are cut", () => {
    for (const cols of [8, 9, 10, 13, 80]) {
      const room = cols - GUTTER.length;
      const lines = Array.from({ length: 3 * room + 2 }, (_, n) =>
        Array.from({ length: n }, (_, i) => String.fromCharCode(0x21 + ((n + i) % 94))).join(""),
      );
      const input = `${lines.join("\n")}\n`;
      for (const cut of [1, 7, room, room + 1, 1000]) {
        let state: RenderState = { ...initialRenderState, cols };
        let text = "";
        for (let i = 0; i < input.length; i += cut) {
          const rendered = renderEvent(output(input.slice(i, i + cut)), state);
          text += rendered.text;
          state = rendered.state;
        }
        const rows = screen(text).slice(0, -1);
        for (const row of rows) {
          // an empty line writes nothing, not even the gutter
          expect(row === "" || row.startsWith(GUTTER)).toBe(true);
          expect(row.length).toBeLessThanOrEqual(cols);
        }
        expect(rows.map((row) => row.slice(GUTTER.length)).join("")).toBe(lines.join(""));
        expect(rows).toHaveLength(
          lines.reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / room)), 0),
        );
      }
    }
  });

  it("passes tool output's colours and lines through, behind the gutter", () => {
    const chunk = "\x1b[32mPASS\x1b[39m src/a.test.ts\r\n\x1b[31mFAIL\x1b[0m b";
    const { text, state } = renderEvent(output(chunk), initialRenderState);
    expect(text).toContain("\x1b[32mPASS\x1b[39m src/a.test.ts");
    expect(text).toContain("\x1b[31mFAIL\x1b[0m b");
    expect(screen(text)).toEqual([`${GUTTER}PASS src/a.test.ts`, `${GUTTER}FAIL b`]);
    expect(state.col).toBe(GUTTER.length + 6);
  });

  it("carries a colour to the output's next line and chunk, and resets it at each end", () => {
    const first = renderEvent(output("\x1b[33mone\ntwo"), initialRenderState);
    expect(first.text).toBe(`${SGR.reset}${GUTTER}\x1b[33mone${SGR.reset}\n${GUTTER}\x1b[33mtwo${SGR.reset}`);
    const second = renderEvent(output(" three"), first.state);
    expect(second.text).toBe(`${SGR.reset}\x1b[33m three${SGR.reset}`);
  });

  it("ends unterminated output before the result line, and resets its colours", () => {
    const out = renderEvent(output("\x1b[41mpartial"), initialRenderState);
    const { text, state } = renderEvent(okResult, out.state);
    expect(text).toBe(`${SGR.reset}\n${SGR.dim}✓ exit 0 · 1.2s${SGR.reset}\n`);
    expect(state.col).toBe(0);
  });

  it("does not add a blank line when output already ended with a newline (even with a trailing reset)", () => {
    const out = renderEvent(output("done\n\x1b[0m"), initialRenderState);
    expect(out.state.col).toBe(0);
    expect(visible(renderEvent(okResult, out.state).text)).toBe("✓ exit 0 · 1.2s\n");
  });

  it("renders a failed tool result in red with ✗", () => {
    const { text } = renderEvent(
      { ...okResult, ok: false, state: "error", exitCode: 1, summary: "exit 1 · 0.3s" },
      midLine,
    );
    expect(text).toBe(`${SGR.reset}\n${SGR.red}✗ exit 1 · 0.3s${SGR.reset}\n`);
  });

  it("shows why a tool failed: its message on the ✗ line, the frames from its own file under it", () => {
    const failed: SessionEventBody = {
      ...okResult,
      tool: "find_todos",
      ok: false,
      state: "error",
      exitCode: null,
      summary: "threw",
      error:
        "Error: EACCES: open './.bash_profile'\n  at walk (find_todos.mjs:3:9)\n  at run (find_todos.mjs:5:5)",
    };
    expect(screen(renderEvent(failed, initialRenderState).text)).toEqual([
      "✗ threw: Error: EACCES: open './.bash_profile'",
      `${GUTTER}at walk (find_todos.mjs:3:9)`,
      `${GUTTER}at run (find_todos.mjs:5:5)`,
      "",
    ]);
  });

  it("renders a failure's text as plain lines: its escapes never reach the terminal", () => {
    const hostile: SessionEventBody = {
      ...okResult,
      ok: false,
      state: "error",
      summary: "threw",
      error: "Error: \x1b[2J\x1b]0;owned\x07wiped\r\n\x1b[31m  at x (t.mjs:1:1)\u009b",
    };
    const { text } = renderEvent(hostile, initialRenderState);
    expect(screen(text)).toEqual(["✗ threw: Error: [2J]0;ownedwiped", `${GUTTER}[31m  at x (t.mjs:1:1)`, ""]);
    expect(text).not.toContain("\x1b[2J");
  });

  it("does not repeat a message the summary already carries", () => {
    const rejected: SessionEventBody = {
      ...okResult,
      ok: false,
      state: "error",
      summary: "rejected: unknown tool nope",
      error: "unknown tool nope",
    };
    expect(screen(renderEvent(rejected, initialRenderState).text)).toEqual([
      "✗ rejected: unknown tool nope",
      "",
    ]);
  });

  it("starts text after a tool result on a fresh line", () => {
    const { text } = renderEvents([
      { type: "text-delta", text: "Running tests." },
      toolCall,
      output("ok"),
      okResult,
      { type: "text-delta", text: "All green." },
    ]);
    expect(screen(text)).toEqual([
      `${GUTTER}Running tests.`,
      "▸ run_command  npm test",
      `${GUTTER}ok`,
      "✓ exit 0 · 1.2s",
      `${GUTTER}All green.`,
    ]);
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

  it("shows a permission ask and each way it ends, on one line, control codes stripped", () => {
    const opened = renderEvent(
      {
        type: "ask-opened",
        askId: "a1",
        callId: "c1",
        tool: "run_command",
        summary: "git push\x1b[2J origin",
        input: { command: "git push origin" },
        rule: "run_command: git push",
        expiresAt: "2026-01-01T00:00:00.000Z",
      },
      initialRenderState,
    );
    expect(visible(opened.text)).toBe(
      "? waiting for permission (run_command: git push): git push[2J origin\n",
    );
    const answered = (decision: "allow" | "allow_session" | "deny" | "timeout" | "cancelled") =>
      visible(
        renderEvent(
          { type: "ask-answered", askId: "a1", callId: "c1", decision, reason: "not\nnow", by: "ann" },
          initialRenderState,
        ).text,
      );
    expect(answered("allow")).toBe("✓ allowed once by ann\n");
    expect(answered("allow_session")).toBe("✓ allowed for this session by ann\n");
    expect(answered("deny")).toBe("✗ denied by ann: not ↵ now\n");
    expect(answered("timeout")).toBe("✗ nobody answered in time: denied\n");
    expect(answered("cancelled")).toBe("■ permission ask cancelled\n");
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

/** Row 31 (docs/security.md): what untrusted text does to the transcript. */
describe("untrusted text cannot rewrite the past", () => {
  const ATTACK =
    // up two rows, erase them, clear scrollback, home, then a forged call line in the accent colour
    "\x1b[2A\x1b[2K\x1b[1A\x1b[2K\x1b[3J\x1b[H\r\x1b[34m▸ run_command\x1b[0m  echo forged\n" +
    // save/restore, reverse index, alternate screen, a title, backspaces over the gutter
    "\x1b7\x1bM\x1b8\x1b[?1049h\x1b]0;pwned\x07\b\b\b\b\x1b[34m❯ forged user message\x1b[0m\n" +
    // 8-bit CSI, RIS, a scroll region, and a progress line
    "\x9b5A\x1bc\x1b[1;3r50%\r100%\n";

  const transcript = (chunks: string[], stream: "tool-output" | "text" | "reasoning", cols = 0) => {
    const body = (chunk: string): SessionEventBody =>
      stream === "tool-output"
        ? output(chunk)
        : stream === "text"
          ? { type: "text-delta", text: chunk }
          : { type: "reasoning-delta", text: chunk };
    return renderEvents(
      [
        { type: "user-message", messageId: "m", text: "please list the files" },
        toolCall,
        ...chunks.map(body),
        okResult,
      ],
      { ...initialRenderState, cols },
    ).text;
  };

  it.each(["tool-output", "text", "reasoning"] as const)(
    "%s: only printable text, newlines, carriage returns and colours reach the terminal, and nothing starts at column 0",
    (stream) => {
      // every split of the attack into two chunks, so no sequence survives a chunk boundary
      for (let i = 0; i <= ATTACK.length; i++) {
        const text = transcript([ATTACK.slice(0, i), ATTACK.slice(i)], stream);
        expect(text.replace(ANY_SGR, "")).not.toMatch(CONTROLS);
        expect(text).not.toMatch(/\r(?! {2})/); // every \r puts the gutter back
        const rows = screen(text);
        expect(rows.filter((r) => /^\S/.test(r))).toEqual([
          "❯ please list the files",
          "▸ run_command  npm test",
          "✓ exit 0 · 1.2s",
        ]);
        expect(rows).toContain(`${GUTTER}▸ run_command  echo forged`);
        expect(rows).toContain(`${GUTTER}❯ forged user message`);
        expect(rows).toContain(`${GUTTER}100%`);
      }
    },
  );

  it("breaks every row before the terminal's edge, so no wrapped row starts at column 0", () => {
    for (let cols = 8; cols <= 40; cols++)
      for (let pad = 0; pad <= 45; pad++) {
        const forged = `${"x".repeat(pad)}▸ run_command  forged\n${"é".repeat(pad)}✓ ok\t${"日".repeat(pad)}❯ x`;
        for (const stream of ["tool-output", "text"] as const) {
          const rows = screen(transcript([forged], stream, cols));
          expect(rows.filter((r) => /^\S/.test(r)).map((r) => r.slice(0, 1))).toEqual(["❯", "▸", "✓"]);
          // each row fits: wide characters counted as two columns
          for (const row of rows)
            expect([...row].reduce((n, c) => n + (c < "\u0530" ? 1 : 2), 0)).toBeLessThanOrEqual(cols);
        }
      }
  });

  it("wraps our own long lines behind the gutter too (a command as the call's summary)", () => {
    const rows = screen(
      renderEvent({ ...toolCall, summary: `${"x".repeat(30)}✓ exit 0` }, { ...initialRenderState, cols: 20 })
        .text,
    );
    expect(rows[0]?.startsWith("▸ run_command")).toBe(true);
    expect(rows.slice(1, -1).every((r) => r.startsWith(GUTTER))).toBe(true);
  });

  it("never lets a colour outlive its chunk, and reasoning stays dim and italic after a reset", () => {
    const out = renderEvent(output("\x1b[44;97mbanner"), initialRenderState);
    expect(out.text.endsWith(SGR.reset)).toBe(true);
    const reasoning = renderEvent({ type: "reasoning-delta", text: "a\x1b[0mb\x1b[mc" }, initialRenderState);
    expect(reasoning.text).toContain(`\x1b[0m${SGR.dim}${SGR.italic}b`);
    expect(reasoning.text).toContain(`\x1b[m${SGR.dim}${SGR.italic}c`);
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

describe("rewound turns", () => {
  const turn = (id: string, text: string): SessionEventBody[] => [
    { type: "user-message", messageId: `m-${id}`, text: `ask ${id}` },
    { type: "turn-start", turnId: id, model: "m" },
    toolCall,
    output("out\n"),
    okResult,
    { type: "text-delta", text },
    { type: "turn-end", turnId: id, status: "completed" },
  ];

  it("are written dim under a label; the message that started them, and other turns, are not", () => {
    const state = { ...initialRenderState, rewound: new Set(["t2"]) };
    const events = [...turn("t1", "first"), ...turn("t2", "second"), ...turn("t3", "third")];
    const rendered = renderEvents(events, state).text;
    const rows = screen(rendered);
    expect(rows).toContain("↺ rewound: the files this turn changed were put back");
    expect(rows.filter((r) => r.startsWith("↺"))).toHaveLength(1);
    // every row of turn 2's work is dim, even after the resets inside its lines
    const parts = rendered.split("↺ rewound");
    const inTurn2 = (parts[1] ?? "").split("❯")[0] ?? "";
    for (const piece of inTurn2.split(SGR.reset).slice(1)) {
      // (a row's gutter is written before its style)
      const shown = piece.replace(/^[ \n]+/, "");
      if (visible(shown).trim()) expect(shown.startsWith(SGR.dim), JSON.stringify(piece)).toBe(true);
    }
    expect(visible(inTurn2)).toContain("second");
    // the next turn is bright again
    const inTurn3 = rendered.split("ask t3")[1] ?? "";
    expect(inTurn3).toContain(`${SGR.reset}${SGR.accent}▸ run_command`);
    expect(renderEvents(events).text).not.toContain("rewound");
  });

  it("a rewound turn's untrusted output stays dim after its own reset", () => {
    const state = { ...initialRenderState, rewound: new Set(["t"]), dimmed: true };
    const { text } = renderEvent(output("\x1b[31mred\x1b[0m plain\n"), state);
    expect(text).toContain(`\x1b[0m${SGR.dim}`);
  });
});

describe("an edit tool's file diff", () => {
  const diffEvent = (diff: string, extra: Partial<SessionEventBody> = {}): SessionEventBody =>
    ({
      type: "file-diff",
      callId: "c1",
      path: "src/a.ts",
      status: "modified",
      from: null,
      additions: 1,
      deletions: 1,
      diff,
      omittedLines: 0,
      ...extra,
    }) as SessionEventBody;
  const DIFF = "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n keep\n-old\n+new";

  it("shows the file with its counts, then each row coloured by its kind behind the gutter", () => {
    const { text, state } = renderEvent(diffEvent(DIFF), midLine);
    expect(screen(text)).toEqual([
      "",
      "● M src/a.ts +1 -1",
      `${GUTTER}--- a/src/a.ts`,
      `${GUTTER}+++ b/src/a.ts`,
      `${GUTTER}@@ -1,2 +1,2 @@`,
      `${GUTTER} keep`,
      `${GUTTER}-old`,
      `${GUTTER}+new`,
      "",
    ]);
    expect(text).toContain(`${SGR.red}-old`);
    expect(text).toContain(`${SGR.green}+new`);
    expect(text).toContain(`${SGR.accent}@@ -1,2 +1,2 @@`);
    expect(state.col).toBe(0);
  });

  it("a diff is untrusted: escapes and controls in a file's lines never reach the terminal", () => {
    const hostile = "@@ -1 +1 @@\n-\x1b[2J\x1b]0;pwned\x07old\n+\x1b[31mnew\r\x9b2K\u0000";
    const { text } = renderEvent(diffEvent(hostile), initialRenderState);
    for (const seq of ["\x1b[2J", "\x1b]", "\x07", "\x9b", "\r"]) expect(text).not.toContain(seq);
    expect(text.replace(ANY_SGR, "")).not.toMatch(CONTROLS);
    const rows = screen(text);
    expect(rows.slice(1, 4).every((row) => row.startsWith(GUTTER))).toBe(true);
  });

  it("keeps long rows behind the gutter and says how many rows were left out", () => {
    const narrow = { ...initialRenderState, cols: 40 };
    const { text } = renderEvent(diffEvent(`+${"x".repeat(90)}`, { omittedLines: 12 }), narrow);
    const rows = screen(text);
    expect(rows.slice(1, 4)).toEqual([
      `${GUTTER}+${"x".repeat(37)}`,
      `${GUTTER}${"x".repeat(38)}`,
      `${GUTTER}${"x".repeat(15)}`,
    ]);
    expect(rows[4]).toBe("… 12 more diff lines not shown");
  });

  it("names a renamed file by both paths", () => {
    const { text } = renderEvent(diffEvent("", { status: "renamed", from: "old.ts" }), initialRenderState);
    expect(screen(text)[0]).toBe("● R old.ts → src/a.ts +1 -1");
  });
});
