import type { TermToken } from "./terminal-sanitize";

/**
 * The model's answer as it should read in the terminal: Markdown headings, emphasis, lists, quotes,
 * code and links turned into styles, while it streams. Pure and incremental like the sanitiser it
 * follows: it takes the sanitiser's tokens (so nothing but printable text, line feeds, tabs and
 * colours ever reaches it) and gives back the same kinds of tokens plus style changes of its own,
 * which render-event.ts writes behind the gutter like any untrusted text. It can therefore change
 * how the model's text looks, never where it goes: no row it writes starts at column 0.
 *
 * Nothing already written is ever rewritten. What cannot be decided yet is held back until it can:
 * the start of a line until its kind is known (`#`, `-`, `>`, a fence), a run of `*`, `_` or
 * backticks until the character after it, a `[` until it proves to be a link or not, a backslash.
 * Holds are short and bounded; `flushMarkdown` settles them when the answer ends.
 */

export interface MarkdownState {
  /** At the start of a line: its first characters are held until its kind is known. */
  atLineStart: boolean;
  /** Characters held back, in order (see the module comment). */
  hold: string;
  /** What the hold is: a line's start, a delimiter run, a link candidate, a backslash. */
  holdKind: "none" | "line" | "run" | "link" | "escape";
  /** Inside a fenced code block: its fence (a run of three or more backticks or tildes). */
  fence: string;
  /** The current line's own style (a heading, a quote); none for plain text. */
  lineStyle: string;
  bold: boolean;
  italic: boolean;
  /** An open code span's backtick run length; 0 when none is open. */
  code: number;
  /** The last character given out on this line ("" at its start): emphasis rules look at it. */
  prev: string;
  /** The style last given out, so a change is written only when it is one. */
  applied: string;
}

export const initialMarkdownState: MarkdownState = {
  atLineStart: true,
  hold: "",
  holdKind: "none",
  fence: "",
  lineStyle: "",
  bold: false,
  italic: false,
  code: 0,
  prev: "",
  applied: "",
};

/** A sanitiser token, or a style of ours: every style the stream is in from here on (empty: none). */
export type MarkdownToken = TermToken | { kind: "style"; style: string };

/** Our SGR sequences; what the theme maps them to is in terminal-theme.ts. */
const STYLE = {
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  italic: "\x1b[3m",
  underline: "\x1b[4m",
  accent: "\x1b[34m",
  code: "\x1b[36m",
} as const;

/** The longest a line's start is held before it is taken as plain text. */
const MAX_LINE_HOLD = 80;
/** The longest a `[` is held while it may still become a link. */
const MAX_LINK_HOLD = 400;

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([^\n]*)\n$/;
const FENCE_PREFIX = /^ {0,3}(?:`{1,2}|~{1,2}|(?:`{3,}|~{3,})[^\n]*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|(?=\n))/;
const HEADING_PREFIX = /^ {0,3}#{0,6}$/;
const BULLET = /^( *)[-*+][ \t]+/;
const BULLET_PREFIX = /^ *[-*+]?$/;
const ORDERED_PREFIX = /^ *\d{1,9}[.)]?$/;
const QUOTE = /^ {0,3}>[ \t]?/;
const QUOTE_PREFIX = /^ {0,3}>?$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\n$/;
const RULE_PREFIX = /^ {0,3}([-*_])(?:[ \t]*\1)*[ \t]*$/;
const LINK = /^\[([^\]\n]*)\]\(([^()\s]*)\)$/;
const LINK_PREFIX = /^\[[^\]\n]*(?:\](?:\([^()\s]*)?)?$/;
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const WORD = /^[\p{L}\p{N}]$/u;
const SPACE = /^\s?$/;

/** What a line is, once its start shows it; `take` is how many of its characters the mark uses. */
type LineKind =
  | { kind: "text"; take: number; lead?: string; style?: string }
  | { kind: "fence-open"; take: number; fence: string; info: string }
  | { kind: "fence-close"; take: number }
  | { kind: "code"; take: number }
  | { kind: "rule"; take: number };

/**
 * The kind of a line from its first characters, or null while they could still start more than one
 * kind. `ended` says the line will get no more characters (it ended, or the answer did).
 */
function classify(start: string, fence: string, ended: boolean): LineKind | null {
  const line = ended && !start.endsWith("\n") ? `${start}\n` : start;
  if (fence) {
    const close = new RegExp(`^ {0,3}(${fence[0] === "`" ? "`" : "~"}{${fence.length},})[ \\t]*\\n$`);
    if (close.test(line)) return { kind: "fence-close", take: start.length };
    const mayClose = new RegExp(`^ {0,3}${fence[0] === "`" ? "`*" : "~*"}[ \\t]*$`);
    if (!ended && mayClose.test(line) && line.length < MAX_LINE_HOLD) return null;
    return { kind: "code", take: 0 };
  }
  const open = FENCE_OPEN.exec(line);
  if (open && !(open[1]?.startsWith("`") && open[2]?.includes("`")))
    return { kind: "fence-open", take: start.length, fence: open[1] ?? "```", info: open[2]?.trim() ?? "" };
  if (RULE.test(line)) return { kind: "rule", take: start.length };
  const heading = HEADING.exec(line);
  if (heading) {
    const depth = heading[1]?.length ?? 1;
    const style = depth <= 2 ? STYLE.bold + STYLE.accent : STYLE.bold;
    return { kind: "text", take: heading[0].length, style };
  }
  const quote = QUOTE.exec(line);
  if (quote && (quote[0].length > quote[0].indexOf(">") + 1 || line.length > quote[0].length))
    return { kind: "text", take: quote[0].length, lead: "│ ", style: STYLE.dim };
  const bullet = BULLET.exec(line);
  if (bullet) return { kind: "text", take: bullet[0].length, lead: `${bullet[1] ?? ""}• ` };
  const undecided =
    (FENCE_PREFIX.test(line) && line.length < MAX_LINE_HOLD) ||
    HEADING_PREFIX.test(line) ||
    BULLET_PREFIX.test(line) ||
    ORDERED_PREFIX.test(line) ||
    QUOTE_PREFIX.test(line) ||
    (RULE_PREFIX.test(line) && line.length < MAX_LINE_HOLD);
  if (!ended && undecided && line.length < MAX_LINE_HOLD) return null;
  return { kind: "text", take: 0 };
}

/** One chunk's worth of work on a copy of the state. */
class Writer {
  readonly out: MarkdownToken[] = [];
  readonly s: MarkdownState;

  constructor(state: MarkdownState) {
    this.s = { ...state };
  }

  private style(): string {
    const s = this.s;
    if (s.fence) return "";
    if (s.code) return s.lineStyle + STYLE.code;
    return s.lineStyle + (s.bold ? STYLE.bold : "") + (s.italic ? STYLE.italic : "");
  }

  private apply(style: string): void {
    if (style === this.s.applied) return;
    this.s.applied = style;
    this.out.push({ kind: "style", style });
  }

  /** Text as it is, in `style` (the current one by default); tabs become tab tokens. */
  emit(text: string, style = this.style()): void {
    if (!text) return;
    this.apply(style);
    text.split("\t").forEach((piece, i) => {
      if (i > 0) this.out.push({ kind: "tab" });
      if (piece) this.pushText(piece);
    });
    this.s.prev = text.at(-1) ?? this.s.prev;
  }

  /** Text joins the text token before it: the answer arrives one character at a time here. */
  private pushText(text: string): void {
    const last = this.out.at(-1);
    if (last?.kind === "text") last.text += text;
    else this.out.push({ kind: "text", text });
  }

  /** A token the sanitiser let through that is not text: what is held is settled first. */
  passThrough(token: TermToken): void {
    this.settle(false);
    this.out.push(token);
  }

  text(text: string): void {
    for (const ch of text) this.char(ch);
  }

  private char(ch: string): void {
    const s = this.s;
    switch (s.holdKind) {
      case "line": {
        s.hold += ch;
        const kind = classify(s.hold, s.fence, false);
        if (kind) this.startLine(kind);
        return;
      }
      case "run":
        if (ch === s.hold[0]) {
          s.hold += ch;
          return;
        }
        this.resolveRun(ch);
        break;
      case "escape":
        s.holdKind = "none";
        s.hold = "";
        if (ch !== "\n" && PUNCTUATION.test(ch)) {
          this.emit(ch);
          return;
        }
        this.emit("\\");
        break;
      case "link": {
        s.hold += ch;
        const link = LINK.exec(s.hold);
        if (link) {
          s.hold = "";
          s.holdKind = "none";
          this.link(link[1] ?? "", link[2] ?? "");
        } else if (!LINK_PREFIX.test(s.hold) || s.hold.length > MAX_LINK_HOLD) this.unlink();
        return;
      }
      case "none":
        break;
    }
    if (s.atLineStart) {
      s.holdKind = "line";
      s.hold = "";
      this.char(ch);
      return;
    }
    this.body(ch);
  }

  /** A character in the body of a line, nothing held. */
  private body(ch: string): void {
    const s = this.s;
    if (ch === "\n") {
      this.endLine();
      return;
    }
    if (s.fence) {
      this.emit(ch);
      return;
    }
    if (ch === "`" || (!s.code && (ch === "*" || ch === "_"))) {
      s.holdKind = "run";
      s.hold = ch;
    } else if (!s.code && ch === "\\") {
      s.holdKind = "escape";
      s.hold = ch;
    } else if (!s.code && ch === "[") {
      s.holdKind = "link";
      s.hold = ch;
    } else this.emit(ch);
  }

  private startLine(kind: LineKind): void {
    const s = this.s;
    const held = s.hold;
    s.hold = "";
    s.holdKind = "none";
    s.atLineStart = false;
    s.prev = "";
    if (kind.kind === "fence-open") {
      this.emit(`╭─${kind.info ? ` ${kind.info}` : ""}`, STYLE.dim);
      s.fence = kind.fence;
    } else if (kind.kind === "fence-close") {
      this.emit("╰─", STYLE.dim);
      s.fence = "";
    } else if (kind.kind === "code") {
      this.emit("│ ", STYLE.dim);
    } else if (kind.kind === "rule") {
      this.emit("─".repeat(24), STYLE.dim);
    } else {
      if (kind.lead) this.emit(kind.lead, kind.style === STYLE.dim ? STYLE.dim : "");
      s.lineStyle = kind.style ?? "";
    }
    // whatever of the line came after its mark is read as its text
    for (const ch of held.slice(kind.take)) this.char(ch);
    if (held.endsWith("\n") && kind.take === held.length) this.endLine();
  }

  private endLine(): void {
    const s = this.s;
    s.lineStyle = "";
    s.bold = false;
    s.italic = false;
    s.code = 0;
    this.apply("");
    this.pushText("\n");
    s.atLineStart = true;
    s.prev = "";
  }

  /** A run of `*`, `_` or backticks, now that the character after it (`next`, "" at the end) is known. */
  private resolveRun(next: string): void {
    const s = this.s;
    const run = s.hold;
    s.hold = "";
    s.holdKind = "none";
    const mark = run[0];
    if (mark === "`") {
      if (s.code === run.length) s.code = 0;
      else if (!s.code) s.code = run.length;
      else this.emit(run);
      this.s.prev = "`";
      return;
    }
    const before = s.prev;
    const canOpen = !SPACE.test(next) && next !== "\n" && !(mark === "_" && WORD.test(before));
    const canClose = !SPACE.test(before) && !(mark === "_" && WORD.test(next));
    const wantsBold = run.length === 2 || run.length === 3;
    const wantsItalic = run.length === 1 || run.length === 3;
    if (run.length > 3 || (!canOpen && !canClose)) {
      this.emit(run);
      return;
    }
    const closes = canClose && (!wantsBold || s.bold) && (!wantsItalic || s.italic);
    if (closes) {
      if (wantsBold) s.bold = false;
      if (wantsItalic) s.italic = false;
    } else if (canOpen) {
      if (wantsBold) s.bold = true;
      if (wantsItalic) s.italic = true;
    } else {
      this.emit(run);
      return;
    }
    s.prev = mark ?? "";
  }

  /** A link: its text, then where it points, so a reader of a terminal can see both. */
  private link(text: string, url: string): void {
    const base = this.style();
    if (text) this.emit(text, base + STYLE.underline);
    if (url && url !== text) this.emit(`${text ? " " : ""}(${url})`, base + STYLE.dim);
  }

  /** A `[` that is not a link after all: shown as it was, and what followed it read again. */
  private unlink(): void {
    const s = this.s;
    const rest = s.hold.slice(1);
    s.hold = "";
    s.holdKind = "none";
    this.emit("[");
    for (const ch of rest) this.char(ch);
  }

  /**
   * Gives out what is held. `ended`: the answer is over, so a line's start is decided as it stands
   * and open styles end; otherwise (a colour or a carriage return in the middle) only what must be.
   */
  settle(ended: boolean): void {
    const s = this.s;
    // settling one hold can start another ("[**" is a `[` and then a run); each is shorter
    while (s.holdKind !== "none") {
      const kind = s.holdKind;
      if (kind === "line") {
        this.startLine(classify(s.hold, s.fence, true) ?? { kind: "text", take: 0 });
      } else if (kind === "run") this.resolveRun("");
      else if (kind === "escape") {
        s.hold = "";
        s.holdKind = "none";
        this.emit("\\");
      } else this.unlink();
    }
    if (ended) {
      s.lineStyle = "";
      s.bold = false;
      s.italic = false;
      s.code = 0;
      this.apply("");
    }
  }
}

/**
 * The next chunk of the model's answer: the sanitiser's tokens for it in, what to write out. The
 * caller threads the state from one chunk to the next (and starts over with `initialMarkdownState`
 * when the answer starts on a fresh row).
 */
export function markdownChunk(
  tokens: TermToken[],
  state: MarkdownState,
): { tokens: MarkdownToken[]; state: MarkdownState } {
  const writer = new Writer(state);
  for (const token of tokens) {
    if (token.kind === "text") writer.text(token.text);
    else if (token.kind === "tab") writer.text("\t");
    else writer.passThrough(token);
  }
  return { tokens: writer.out, state: writer.s };
}

/** The answer is over: what is still held, given out, and every style of ours ended. */
export function flushMarkdown(state: MarkdownState): { tokens: MarkdownToken[]; state: MarkdownState } {
  const writer = new Writer(state);
  writer.settle(true);
  return { tokens: writer.out, state: { ...initialMarkdownState, atLineStart: writer.s.atLineStart } };
}

/** Whether anything is held back or styled, so the end of the answer has something to write. */
export function markdownPending(state: MarkdownState): boolean {
  return state.holdKind !== "none" || state.applied !== "";
}
