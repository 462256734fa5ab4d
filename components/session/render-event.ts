import type { SessionEventBody } from "@/lib/events/types";
import {
  flushMarkdown,
  initialMarkdownState,
  type MarkdownState,
  type MarkdownToken,
  markdownChunk,
  markdownPending,
} from "./terminal-markdown";
import { type EscapeState, GROUND, sanitizeTerminalText, type TermToken } from "./terminal-sanitize";

/**
 * Turns session events into the exact text written to the xterm transcript.
 * Pure: the caller threads `RenderState` from one event to the next, so a replay
 * of the same events always produces the same bytes a live viewer saw.
 */

/** SGR sequences. The accent is ANSI blue; the terminal theme maps blue to the UI accent. */
export const SGR = {
  reset: "\x1b[0m",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  italic: "\x1b[3m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  accent: "\x1b[34m",
} as const;

export interface RenderState {
  /**
   * The terminal's width in columns; 0 while unknown (nothing is wrapped then). Every row is broken
   * before it reaches the edge, so the terminal never wraps a row itself: a wrapped row would start
   * at column 0, where only Ratchet's own lines may start.
   */
  cols: number;
  /** The cursor's column (an upper bound: unknown characters count as wide); 0 at the start of a row. */
  col: number;
  /** Anything has been written yet (no leading blank line at the very top). */
  wroteAnything: boolean;
  /** What the last written text belonged to. */
  stream: "none" | "text" | "reasoning" | "tool-output" | "line";
  /** An error line was already shown for the current turn (avoid repeating it at turn-end). */
  turnErrorShown: boolean;
  /** The untrusted stream's escape parser, between two of its chunks. */
  parser: EscapeState;
  /** The styles in effect in the untrusted stream, re-applied after each break and chunk. */
  style: string;
  /** Turns a person rewound (their file changes put back): shown dimmed under a label, never dropped. */
  rewound: ReadonlySet<string>;
  /** Inside a rewound turn: everything written is dim. */
  dimmed: boolean;
  /** The model's answer is rendered as Markdown (./terminal-markdown.ts): where that stands. */
  markdown: MarkdownState;
}

export const initialRenderState: RenderState = {
  cols: 0,
  col: 0,
  wroteAnything: false,
  stream: "none",
  turnErrorShown: false,
  parser: GROUND,
  style: "",
  rewound: new Set(),
  dimmed: false,
  markdown: initialMarkdownState,
};

export interface RenderResult {
  text: string;
  state: RenderState;
  /**
   * The end of the model's answer, held back until this event showed it was over: written before
   * `text`, and not part of this event's own lines (a waterfall anchor points at `text`).
   */
  lead?: string;
}

/**
 * Every row of untrusted text starts with this indent, and so does every continuation row of a
 * line of ours: column 0 belongs to Ratchet's own lines (`❯`, `▸`, `✓`, …) alone.
 */
export const GUTTER = "  ";
/** Narrower than this, rows are not broken (there is no room for the gutter and a character). */
const MIN_COLS = 8;
/** An SGR parameter that resets every style: empty or zeros (its sub-parameters aside). */
const RESET_PARAM = /(?:^|;)0*(?=[;:]|$)/;
/** Printable ASCII from `lastIndex` on (sticky): the bulk of most output. */
const PRINTABLE_RUN = /[\x20-\x7e]+/y;
/** A style string longer than this keeps only the stream's base and the newest sequence. */
const MAX_STYLE = 256;

/**
 * Columns a character takes, never fewer than the terminal gives it: Latin, Greek and Cyrillic
 * (and combining marks, which take none) count 1, everything else 2.
 */
function width(code: number): number {
  return code < 0x0530 ? 1 : 2;
}

/** The output of one event, with the column and the styles to restore after a break. */
class Pen {
  out = "";
  constructor(
    public col: number,
    private readonly cols: number,
    public style: string,
    /** Untrusted text: every row it starts begins with the gutter. */
    public guttered: boolean,
  ) {}

  private room(columns: number): void {
    if (this.col === 0 && this.guttered) {
      // A fresh row: the previous one ended with a reset if any style was on.
      this.out += `${GUTTER}${this.style}`;
      this.col = GUTTER.length;
    }
    if (this.cols >= MIN_COLS && this.col + columns > this.cols) {
      this.out += `${this.style ? SGR.reset : ""}\n${GUTTER}${this.style}`;
      this.col = GUTTER.length;
    }
  }

  /** Whether `columns` more need a gutter or a break first (what room() writes). */
  private needsRoom(columns: number): boolean {
    return (this.col === 0 && this.guttered) || (this.cols >= MIN_COLS && this.col + columns > this.cols);
  }

  /** Printable characters and line feeds (nothing else may reach it). */
  text(text: string): void {
    // Written in slices between the places a gutter or a break goes: output can be megabytes.
    let from = 0;
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        this.out += text.slice(from, i);
        this.newline();
        from = ++i;
        continue;
      }
      if (c >= 0x20 && c <= 0x7e) {
        // A run of printable ASCII, one column each: find its end natively, then step by rows.
        PRINTABLE_RUN.lastIndex = i;
        PRINTABLE_RUN.test(text);
        const end = PRINTABLE_RUN.lastIndex;
        while (i < end) {
          if (this.needsRoom(1)) {
            this.out += text.slice(from, i);
            from = i;
            this.room(1);
          }
          const fit = this.cols >= MIN_COLS ? Math.min(end - i, this.cols - this.col) : end - i;
          this.col += fit;
          i += fit;
        }
        continue;
      }
      const code = text.codePointAt(i) ?? 0;
      const columns = width(code);
      if (this.needsRoom(columns)) {
        this.out += text.slice(from, i);
        from = i;
        this.room(columns);
      }
      this.col += columns;
      i += code > 0xffff ? 2 : 1;
    }
    this.out += text.slice(from);
  }

  tab(): void {
    // Spaces, not a tab: the next stop is computed from the same column the breaks are.
    this.room(1);
    this.text(" ".repeat(8 - (this.col % 8)));
  }

  /** A colour in effect when a row scrolls in would paint it (background colour erase): reset first. */
  newline(): void {
    this.out += `${this.style ? SGR.reset : ""}\n`;
    this.col = 0;
  }

  /** Back to the start of the row, after the gutter, which a carriage return cannot remove. */
  carriageReturn(): void {
    if (this.col === 0) return;
    this.out += `${this.style ? SGR.reset : ""}\r${GUTTER}${this.style}`;
    this.col = GUTTER.length;
  }

  /** The Markdown styles the answer is in from here on, replacing whatever was in effect. */
  markdownStyle(style: string): void {
    // At the start of a guttered row, the gutter is written first and then the style (room()).
    if (this.col !== 0 || !this.guttered) this.out += SGR.reset + style;
    this.style = style;
  }

  /** One of our own styles. */
  sgr(seq: string): void {
    this.out += seq;
    this.style = seq === SGR.reset ? "" : this.style + seq;
  }

  /** A style from untrusted text: it may reset its own styles, never the stream's `base`. */
  untrustedSgr(seq: string, base: string): void {
    const params = seq.slice(2, -1);
    const resets = RESET_PARAM.test(params);
    // At the start of a row the gutter comes first, and applies the style after it.
    if (this.col !== 0 || !this.guttered) this.out += resets ? seq + base : seq;
    if (/^0*$/.test(params)) this.style = base;
    else if (resets) this.style = base + seq + base;
    else this.style = this.style.length + seq.length > MAX_STYLE ? base + seq : this.style + seq;
  }
}

/**
 * Text we compose ourselves (user messages, summaries, notices) must not carry
 * escape or control codes: keep printable characters, tabs, and optionally newlines.
 */
export function plainText(text: string, keepNewlines: boolean): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x0a) out += keepNewlines ? "\n" : " ↵ ";
    else if (code === 0x09) out += "  ";
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) continue;
    else out += ch;
  }
  return out;
}

function oneLine(text: string): string {
  return plainText(text.replace(/\r\n/g, "\n").trim(), false);
}

export function formatDelay(delayMs: number): string {
  const seconds = Math.max(0, delayMs) / 1000;
  if (seconds >= 10 || Number.isInteger(seconds)) return `${Math.round(seconds)}s`;
  return `${seconds.toFixed(1)}s`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: our own SGR codes are what it splits on
const OWN_STYLES = /(\x1b\[[0-9;]*m)/;

/**
 * A complete line of our own, starting on a fresh row at column 0 and leaving the cursor at
 * column 0. `parts` are our SGR codes and text; the text is made one plain line here too, so
 * nothing in it can move the cursor.
 */
function line(state: RenderState, ...parts: string[]): RenderResult {
  const pen = new Pen(0, state.cols, "", false);
  pen.out = `${SGR.reset}${state.col === 0 ? "" : "\n"}`;
  // in a rewound turn every style of ours is dim too, even after a reset inside the line
  const text = parts.join("");
  (state.dimmed ? `${SGR.dim}${text.split(SGR.reset).join(SGR.reset + SGR.dim)}` : text)
    .split(OWN_STYLES)
    .forEach((piece, i) => {
      if (i % 2 === 1) pen.sgr(piece);
      else if (piece) pen.text(plainText(piece, false));
    });
  return {
    text: `${pen.out}${SGR.reset}\n`,
    state: { ...state, col: 0, wroteAnything: true, stream: "line", parser: GROUND, style: "" },
  };
}

/**
 * Untrusted text of one stream: sanitised (lib: terminal-sanitize.ts), every row behind the gutter,
 * every row broken before the edge, and every chunk ending with a reset so no style outlives it.
 */
function untrusted(
  state: RenderState,
  stream: "text" | "reasoning" | "tool-output",
  streamBase: string,
  text: string,
): RenderResult {
  const continuing = state.stream === stream;
  const fresh = !continuing && state.col !== 0;
  const base = state.dimmed ? SGR.dim + streamBase : streamBase;
  const { tokens, state: parser } = sanitizeTerminalText(text, continuing ? state.parser : GROUND);
  // the answer's Markdown starts over wherever the answer starts on a fresh row
  let markdown = continuing ? state.markdown : initialMarkdownState;
  let written: Array<TermToken | MarkdownToken> = tokens;
  if (stream === "text") ({ tokens: written, state: markdown } = markdownChunk(tokens, markdown));
  const pen = new Pen(fresh ? 0 : state.col, state.cols, continuing ? state.style : base, true);
  pen.out = `${SGR.reset}${fresh ? "\n" : ""}${pen.col === 0 ? "" : pen.style}`;
  write(pen, written, base);
  return {
    text: `${pen.out}${SGR.reset}`,
    state: { ...state, col: pen.col, wroteAnything: true, stream, parser, style: pen.style, markdown },
  };
}

function write(pen: Pen, tokens: Array<TermToken | MarkdownToken>, base: string): void {
  for (const token of tokens) {
    if (token.kind === "text") pen.text(token.text);
    else if (token.kind === "cr") pen.carriageReturn();
    else if (token.kind === "tab") pen.tab();
    else if (token.kind === "style") pen.markdownStyle(token.style);
    else pen.untrustedSgr(token.seq, base);
  }
}

/** The answer is over: what its Markdown still held back, written where the answer stopped. */
function endAnswer(state: RenderState): RenderResult {
  const { tokens, state: markdown } = flushMarkdown(state.markdown);
  const pen = new Pen(state.col, state.cols, state.style, true);
  pen.out = state.col === 0 ? "" : pen.style;
  write(pen, tokens, "");
  return {
    text: `${pen.out}${SGR.reset}`,
    state: { ...state, col: pen.col, style: pen.style, markdown },
  };
}

const nothing = (state: RenderState): RenderResult => ({ text: "", state });

const DIFF_LETTER = { added: "A", modified: "M", deleted: "D", renamed: "R" } as const;

/** The colour of a unified diff row, by its first character (ours: the row itself is untrusted). */
function diffColour(row: string): string {
  if (row.startsWith("+++ ") || row.startsWith("--- ")) return SGR.bold;
  if (row.startsWith("+")) return SGR.green;
  if (row.startsWith("-")) return SGR.red;
  if (row.startsWith("@@")) return SGR.accent;
  if (row.startsWith("\\")) return SGR.dim;
  return "";
}

/**
 * An edit tool's diff of one file. The rows are a workspace file's text, so each is made plain
 * (no escape or control code survives) and written behind the gutter; the colours are ours.
 */
function fileDiff(state: RenderState, event: Extract<SessionEventBody, { type: "file-diff" }>): RenderResult {
  const name = event.from ? `${event.from} → ${event.path}` : event.path;
  const header = line(
    state,
    SGR.accent,
    `● ${DIFF_LETTER[event.status]} ${name} `,
    SGR.green,
    `+${event.additions}`,
    SGR.reset,
    " ",
    SGR.red,
    `-${event.deletions}`,
  );
  const pen = new Pen(0, state.cols, "", true);
  for (const row of event.diff.split("\n")) {
    const colour = diffColour(row);
    if (colour) pen.sgr(colour);
    pen.text(plainText(row, false));
    if (colour) pen.sgr(SGR.reset);
    pen.newline();
  }
  const more =
    event.omittedLines > 0
      ? line(header.state, SGR.dim, `… ${event.omittedLines} more diff lines not shown`).text
      : "";
  return { text: `${header.text}${pen.out}${SGR.reset}${more}`, state: header.state };
}

/** Error lines shown under a failed call, at most: the message and the first frames. */
const MAX_ERROR_LINES = 4;

/**
 * A failed call: `✗ summary: message`, then the frames from the tool's own file, dimmed. The error
 * is the tool's (hostile) text: each line of it becomes one plain line of ours.
 */
function failureLines(state: RenderState, summary: string, error: string): RenderResult {
  const [first = "", ...rest] = error
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => oneLine(l))
    .filter(Boolean);
  // "rejected: <message>" already carries it
  const head = first && !summary.includes(first) ? `✗ ${summary}: ${first}` : `✗ ${summary}`;
  let result = line(state, SGR.red, head);
  let text = result.text;
  for (const more of first && head.endsWith(first) ? rest.slice(0, MAX_ERROR_LINES - 1) : []) {
    result = line(result.state, SGR.dim + SGR.red, `${GUTTER}${more}`);
    text += result.text;
  }
  return { text, state: result.state };
}

export function renderEvent(event: SessionEventBody, state: RenderState): RenderResult {
  if (event.type === "text-delta" || state.stream !== "text" || !markdownPending(state.markdown))
    return renderOne(event, state);
  const ended = endAnswer(state);
  const result = renderOne(event, ended.state);
  return { ...result, lead: ended.text };
}

function renderOne(event: SessionEventBody, state: RenderState): RenderResult {
  switch (event.type) {
    case "user-message": {
      const [first = "", ...rest] = plainText(event.text.replace(/\r\n?/g, "\n"), true).split("\n");
      const pen = new Pen(0, state.cols, "", false);
      pen.out = SGR.reset + (state.col === 0 ? "" : "\n") + (state.wroteAnything ? "\n" : "");
      pen.sgr(SGR.bold + SGR.accent);
      pen.text("❯");
      pen.sgr(SGR.reset);
      pen.text(" ");
      pen.sgr(SGR.bold);
      pen.text(first);
      // Later lines start behind the gutter, like every continuation row.
      pen.guttered = true;
      for (const more of rest) {
        pen.newline();
        if (more) pen.text(more);
      }
      return {
        text: `${pen.out}${SGR.reset}\n\n`,
        state: {
          ...initialRenderState,
          cols: state.cols,
          wroteAnything: true,
          stream: "line",
          rewound: state.rewound,
        },
      };
    }

    case "turn-start": {
      if (!state.rewound.has(event.turnId))
        return nothing({ ...state, turnErrorShown: false, dimmed: false });
      const label = line(
        { ...state, dimmed: false },
        SGR.yellow,
        "↺ rewound: the files this turn changed were put back",
      );
      return { text: label.text, state: { ...label.state, turnErrorShown: false, dimmed: true } };
    }

    case "text-delta":
      return event.text ? untrusted(state, "text", "", event.text) : nothing(state);

    case "reasoning-delta":
      return event.text ? untrusted(state, "reasoning", SGR.dim + SGR.italic, event.text) : nothing(state);

    case "tool-call": {
      const summary = oneLine(event.summary);
      const tool = oneLine(event.tool);
      return line(state, "", `${SGR.accent}▸ ${tool}${SGR.reset}${summary ? `  ${SGR.dim}${summary}` : ""}`);
    }

    case "tool-output":
      // The command's own bytes, colours included; nothing that moves the cursor or erases.
      return event.chunk ? untrusted(state, "tool-output", "", event.chunk) : nothing(state);

    case "file-diff":
      return fileDiff(state, event);

    case "tool-result": {
      const summary = oneLine(event.summary) || (event.ok ? "done" : "failed");
      if (event.ok) return line(state, SGR.dim, `✓ ${summary}`);
      return failureLines(state, summary, event.error ?? "");
    }

    case "step-finish":
    case "usage":
      return nothing(state);

    case "notice":
      return line(state, event.level === "warn" ? SGR.yellow : SGR.dim, oneLine(event.message));

    case "friction":
      return line(state, SGR.yellow, `⚡ friction: ${oneLine(event.detail)}`);

    case "tier":
      // the model's name and the reason are the server's text about a model id: one line, as sent
      return line(state, event.tier === "strong" ? SGR.yellow : SGR.dim, `⇅ model ${oneLine(event.message)}`);

    case "reflection":
      return line(
        state,
        event.status === "error" ? SGR.yellow : SGR.dim,
        `◆ reflection (${event.status})${event.summary ? `: ${oneLine(event.summary)}` : ""}`,
      );

    case "learning":
      return line(
        state,
        SGR.dim,
        `✎ ${event.learningType} noted (${event.source}): ${oneLine(event.description)}`,
      );

    case "tool-decision": {
      const why = event.reason ? `: ${oneLine(event.reason)}` : "";
      return event.decision === "approved"
        ? line(
            state,
            SGR.green,
            `✓ ${event.tool} v${event.version} approved by ${event.by}; every session can use it now`,
          )
        : line(state, SGR.yellow, `✗ ${event.tool} v${event.version} rejected by ${event.by}${why}`);
    }

    case "retry": {
      const message = oneLine(event.message);
      return line(
        state,
        SGR.dim + SGR.yellow,
        `↻ retrying in ${formatDelay(event.delayMs)}${message ? `: ${message}` : ""}`,
      );
    }

    case "error": {
      const result = line(state, SGR.bold + SGR.red, `✗ ${oneLine(event.message) || event.code}`);
      return { text: result.text, state: { ...result.state, turnErrorShown: true } };
    }

    case "status": {
      const note = event.note ? oneLine(event.note) : "";
      if (event.status === "interrupted") {
        const body = /^session interrupted/i.test(note)
          ? note
          : `Session interrupted${note ? `: ${note}` : ""}`;
        return line(state, SGR.dim, body);
      }
      if (event.status === "ended") return line(state, SGR.dim, `Session ended${note ? `: ${note}` : ""}`);
      return note ? line(state, SGR.dim, note) : nothing(state);
    }

    case "turn-end": {
      const ended = (result: RenderResult) => ({
        text: result.text,
        state: { ...result.state, dimmed: false },
      });
      if (event.status === "cancelled") return ended(line(state, SGR.yellow, "■ stopped"));
      if (event.status === "error" && event.error && !state.turnErrorShown) {
        const result = line(state, SGR.bold + SGR.red, `✗ ${oneLine(event.error)}`);
        return ended({ text: result.text, state: { ...result.state, turnErrorShown: true } });
      }
      return ended(nothing(state));
    }

    case "checkpoint":
      return nothing(state);

    case "ask-opened":
      return line(
        state,
        SGR.bold + SGR.yellow,
        `? waiting for permission (${oneLine(event.rule)}): ${oneLine(event.summary) || oneLine(event.tool)}`,
      );

    case "ask-answered": {
      const by = event.by ? ` by ${oneLine(event.by)}` : "";
      switch (event.decision) {
        case "allow":
          return line(state, SGR.green, `✓ allowed once${by}`);
        case "allow_session":
          return line(state, SGR.green, `✓ allowed for this session${by}`);
        case "deny":
          return line(state, SGR.red, `✗ denied${by}${event.reason ? `: ${oneLine(event.reason)}` : ""}`);
        case "timeout":
          return line(state, SGR.yellow, "✗ nobody answered in time: denied");
        default:
          return line(state, SGR.yellow, "■ permission ask cancelled");
      }
    }

    case "turns-rewound":
      return line(
        state,
        SGR.yellow,
        `↺ files put back as before turn ${event.fromTurn} by ${oneLine(event.by)}; turn${event.turnIds.length === 1 ? "" : "s"} ${event.fromTurn}${event.turnIds.length > 1 ? `–${event.fromTurn + event.turnIds.length - 1}` : ""} marked rewound`,
      );

    case "reverted": {
      const what =
        event.hunk === null
          ? event.paths.map(oneLine).join(", ")
          : `a change in ${oneLine(event.paths[0] ?? "")}`;
      return line(
        state,
        SGR.yellow,
        `↺ ${what} put back as before turn ${event.turn} by ${oneLine(event.by)}`,
      );
    }

    default:
      // An event type this UI does not know yet: show nothing rather than guess.
      return nothing(state);
  }
}

/** Renders a sequence of events from `state`; handy for tests and bulk replays. */
export function renderEvents(
  events: SessionEventBody[],
  state: RenderState = initialRenderState,
): RenderResult {
  let current = state;
  let text = "";
  for (const event of events) {
    const result = renderEvent(event, current);
    text += (result.lead ?? "") + result.text;
    current = result.state;
  }
  return { text, state: current };
}
