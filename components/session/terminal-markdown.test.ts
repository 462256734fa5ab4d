import { describe, expect, it } from "vitest";
import type { SessionEventBody } from "@/lib/events/types";
import { GUTTER, initialRenderState, type RenderState, renderEvent, renderEvents } from "./render-event";

// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences are what it matches
const ANY_SGR = /\x1b\[[0-9;:]*m/g;

/**
 * What a terminal shows, one string per row (SGR dropped; a carriage return goes back to column 0
 * and what follows overwrites; any other control character fails the test).
 */
function screen(text: string): string[] {
  const rows: string[][] = [[]];
  let col = 0;
  for (const ch of text.replace(ANY_SGR, "")) {
    const code = ch.codePointAt(0) ?? 0;
    const row = rows[rows.length - 1] ?? [];
    if (ch === "\n") {
      rows.push([]);
      col = 0;
    } else if (ch === "\r") col = 0;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
      throw new Error(`control U+${code.toString(16)} emitted`);
    else row[col++] = ch;
  }
  return rows.map((row) => row.join(""));
}

/** The SGR state in effect before each visible character: which styles a character is drawn in. */
function styled(text: string): Array<{ ch: string; sgr: string }> {
  const out: Array<{ ch: string; sgr: string }> = [];
  let sgr = "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences are what it splits on
  for (const piece of text.split(/(\x1b\[[0-9;:]*m)/)) {
    if (piece.startsWith("\x1b[")) sgr = piece === "\x1b[0m" ? "" : sgr + piece;
    else for (const ch of piece) out.push({ ch, sgr });
  }
  return out;
}

/** The styles `word` is drawn in (every character of its first occurrence). */
function styleOf(text: string, word: string): string[] {
  const chars = styled(text);
  const flat = chars.map((c) => c.ch).join("");
  const at = flat.indexOf(word);
  if (at < 0) throw new Error(`${word} not shown`);
  return [...new Set(chars.slice(at, at + word.length).map((c) => c.sgr))];
}

const text = (t: string): SessionEventBody => ({ type: "text-delta", text: t });
const end: SessionEventBody = { type: "step-finish", step: 1, inputTokens: 1, outputTokens: 1, costUsd: 0 };
const wide: RenderState = { ...initialRenderState, cols: 120 };

/** The answer streamed in chunks of `size` characters, then ended. */
function streamed(answer: string, size: number, state = wide): string {
  const events: SessionEventBody[] = [];
  for (let i = 0; i < answer.length; i += size) events.push(text(answer.slice(i, i + size)));
  events.push(end);
  return renderEvents(events, state).text;
}

const ANSWER = [
  "# Fixed the tests",
  "",
  "The **flaky** test now waits for `ready`; see [the docs](https://example.com/x) and *why*.",
  "",
  "- first item",
  "  - nested item",
  "1. ordered stays",
  "> a quote",
  "",
  "```ts",
  "const a = 1; // **not bold**",
  "```",
  "---",
  "snake_case_name and 2 * 3 * 4 stay as they are, and \\*escaped\\*.",
].join("\n");

describe("the answer renders as Markdown in the terminal", () => {
  it("shows headings, emphasis, code, links, lists, quotes, code blocks and rules without their marks", () => {
    const rows = screen(streamed(ANSWER, 1000));
    expect(rows).toEqual([
      `${GUTTER}Fixed the tests`,
      "",
      `${GUTTER}The flaky test now waits for ready; see the docs (https://example.com/x) and why.`,
      "",
      `${GUTTER}• first item`,
      `${GUTTER}  • nested item`,
      `${GUTTER}1. ordered stays`,
      `${GUTTER}│ a quote`,
      "",
      `${GUTTER}╭─ ts`,
      `${GUTTER}│ const a = 1; // **not bold**`,
      `${GUTTER}╰─`,
      `${GUTTER}${"─".repeat(24)}`,
      `${GUTTER}snake_case_name and 2 * 3 * 4 stay as they are, and *escaped*.`,
    ]);
  });

  it("styles what the marks meant", () => {
    const out = streamed(ANSWER, 1000);
    expect(styleOf(out, "Fixed the tests")).toEqual(["\x1b[1m\x1b[34m"]);
    expect(styleOf(out, "flaky")).toEqual(["\x1b[1m"]);
    expect(styleOf(out, "ready")).toEqual(["\x1b[36m"]);
    expect(styleOf(out, "the docs")).toEqual(["\x1b[4m"]);
    expect(styleOf(out, "why")).toEqual(["\x1b[3m"]);
    expect(styleOf(out, "The ")).toEqual([""]);
    expect(styleOf(out, "const a")).toEqual([""]);
  });

  it("renders the same bytes however the answer is split into chunks", () => {
    const whole = streamed(ANSWER, 1000);
    for (const size of [1, 2, 3, 5, 7, 13]) expect(screen(streamed(ANSWER, size))).toEqual(screen(whole));
  });

  it("writes each chunk as it arrives, holding back only what it cannot decide yet", () => {
    const first = renderEvent(text("Plain words **bo"), wide);
    expect(screen(first.text)).toEqual([`${GUTTER}Plain words bo`]);
    const second = renderEvent(text("ld** then more"), first.state);
    expect(screen(second.text)).toEqual(["ld then more"]);
    // an undecided line start waits for its next character, and nothing already shown is rewritten
    const held = renderEvent(text("\n#"), second.state);
    expect(screen(held.text)).toEqual(["", ""]);
    const heading = renderEvent(text("# Next"), held.state);
    expect(screen(heading.text)).toEqual([`${GUTTER}Next`]);
  });

  it("gives out what it held when the answer ends, before the next event's own line", () => {
    const held = renderEvent(text("see [the link"), wide);
    expect(screen(held.text)).toEqual([`${GUTTER}see `]);
    const next = renderEvent(end, held.state);
    expect(screen(next.lead ?? "")).toEqual(["[the link"]);
    expect(next.text).toBe("");
    expect(next.state.markdown.holdKind).toBe("none");
    // a tool call after a held `**`: the held text is written first, the call's line after it
    const bold = renderEvent(text("almost **"), wide);
    const call = renderEvent(
      { type: "tool-call", callId: "c", tool: "run_command", input: {}, summary: "ls" },
      bold.state,
    );
    expect(screen(`${bold.text}${call.lead ?? ""}${call.text}`)).toEqual([
      `${GUTTER}almost **`,
      "▸ run_command  ls",
      "",
    ]);
  });

  it("ends every style at the end of its line, so an unclosed mark cannot style what follows", () => {
    const out = streamed("an *unclosed mark\nnext line `code\nlast", 4);
    expect(styleOf(out, "next line")).toEqual([""]);
    expect(styleOf(out, "last")).toEqual([""]);
  });
});

describe("Markdown cannot forge Ratchet's lines", () => {
  const forgeries = [
    "\n▸ run_command  rm -rf /",
    "\n# ▸ run_command",
    "\n- ✓ done",
    "\n> ❯ the user said",
    "\n```\n✗ failed\n```",
    "\n[▸ run_command](x)",
    "\n***\n✓ exit 0",
    `\n${"#".repeat(7)} ▸ x`,
    "\n\\▸ x",
  ];
  for (const forgery of forgeries) {
    it(`keeps ${JSON.stringify(forgery)} behind the gutter, at every chunk size and width`, () => {
      for (const cols of [0, 10, 40, 80]) {
        for (const size of [1, 3, 100]) {
          const rows = screen(streamed(`ok${forgery}`, size, { ...initialRenderState, cols }));
          for (const row of rows) {
            if (row === "") continue;
            expect(row.startsWith(GUTTER), JSON.stringify(row)).toBe(true);
            if (cols >= 8) expect([...row].length).toBeLessThanOrEqual(cols);
          }
        }
      }
    });
  }

  it("lets escape sequences in the answer do no more than before (the sanitiser runs first)", () => {
    const rows = screen(streamed("# Title\x1b[2J\x1b[H\n- item\x1b]0;x\x07\r\n\x1b[1A▸ forged", 2));
    expect(rows).toEqual([`${GUTTER}Title`, `${GUTTER}• item`, `${GUTTER}▸ forged`]);
  });
});
