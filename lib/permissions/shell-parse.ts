/**
 * A command line split into the simple commands bash would run, for the permission rules
 * (./command-match.ts). It is not a shell: it reads what a rule needs — the words of every command,
 * wherever it sits (`a && b; c | d`, subshells, `$(…)`, backquotes, process substitution, a heredoc
 * fed to a shell) — after bash's quote removal (`g\it`, `'git' "push"`, `$'\x67it'`, line
 * continuations), and says when it cannot be sure. Whatever it cannot read with confidence is marked,
 * never guessed: a word whose value is only known when the command runs (`$X`, `$(…)`, `{a,b}`) is
 * `dynamic`, and a line it cannot split (an unclosed quote) is `uncertain`, so the rules treat it
 * as possibly matching anything (the strictest verdict wins).
 */

export interface Word {
  /** The word after quote removal, with the unknown parts left as written. */
  text: string;
  /** Part of the word is only known when the command runs (a parameter, a substitution, braces). */
  dynamic: boolean;
  /** `NAME=value` with an unquoted name: a variable assignment when it comes before the command. */
  assignment: boolean;
}

export interface SimpleCommand {
  words: Word[];
  /** Bodies of the heredocs fed to this command, as written. */
  heredocs: string[];
}

export interface ParsedLine {
  commands: SimpleCommand[];
  /** Why the line could not be read with confidence (empty when it could). */
  uncertain: string[];
}

/** Nesting of `$(…)` and friends read at most this deep; deeper is uncertain. */
const MAX_DEPTH = 16;
const OPERATORS = new Set([";", "&", "|", "(", ")", "\n"]);
const BLANK = new Set([" ", "\t", "\r"]);

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  /** Unquoted delimiter: the body's `$(…)` run. */
  expands: boolean;
  command: SimpleCommand;
}

export function parseCommandLine(source: string, depth = 0): ParsedLine {
  const out: ParsedLine = { commands: [], uncertain: [] };
  if (depth > MAX_DEPTH) {
    out.uncertain.push("substitutions nested too deeply");
    return out;
  }
  new Reader(source, depth, out).script();
  return out;
}

class Reader {
  private i = 0;
  private current: SimpleCommand = { words: [], heredocs: [] };
  private pending: PendingHeredoc[] = [];

  constructor(
    private readonly src: string,
    private readonly depth: number,
    private readonly out: ParsedLine,
  ) {}

  script(): void {
    const { src } = this;
    while (this.i < src.length) {
      const c = src[this.i] as string;
      if (BLANK.has(c)) {
        this.i++;
      } else if (c === "\\" && src[this.i + 1] === "\n") {
        this.i += 2;
      } else if (c === "#") {
        while (this.i < src.length && src[this.i] !== "\n") this.i++;
      } else if (c === "\n") {
        this.i++;
        this.endCommand();
        this.readHeredocs();
      } else if ((c === "<" || c === ">") && src[this.i + 1] === "(") {
        this.word();
      } else if (c === "<" || c === ">" || (c === "&" && src[this.i + 1] === ">")) {
        this.redirection();
      } else if (OPERATORS.has(c)) {
        this.i++;
        this.endCommand();
      } else {
        const word = this.word();
        // `2>file`, `{fd}>file`: the digits name a descriptor, not an argument
        const next = src[this.i];
        if ((next === "<" || next === ">") && /^(\d+|\{[A-Za-z_]\w*\})$/.test(word.text)) continue;
        this.current.words.push(word);
      }
    }
    this.endCommand();
    if (this.pending.length) this.readHeredocs();
  }

  private endCommand(): void {
    if (this.current.words.length || this.current.heredocs.length) this.out.commands.push(this.current);
    // a heredoc's body comes after the line, so its command keeps the object it was declared on
    this.current = { words: [], heredocs: [] };
  }

  /** `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `&>`, `>&`, ...: the target is read (its substitutions run) and dropped. */
  private redirection(): void {
    const { src } = this;
    const op = /^(<<<|<<-|<<|<>|<&|>&|>>|>\||&>>|&>|<|>)/.exec(src.slice(this.i))?.[0] ?? src[this.i];
    this.i += op?.length ?? 1;
    while (BLANK.has(src[this.i] ?? "")) this.i++;
    if (this.i >= src.length || OPERATORS.has(src[this.i] as string)) {
      if (op !== ">&" && op !== "<&") this.uncertain(`a redirection without a target (${op})`);
      return;
    }
    const start = this.i;
    const target = this.word();
    if (op === "<<" || op === "<<-") {
      const raw = src.slice(start, this.i);
      this.pending.push({
        delimiter: target.text,
        stripTabs: op === "<<-",
        expands: !/['"\\]/.test(raw),
        command: this.current,
      });
    }
  }

  /** Heredoc bodies start on the line after their operator, one after another. */
  private readHeredocs(): void {
    const { src } = this;
    for (const doc of this.pending) {
      const lines: string[] = [];
      let closed = false;
      while (this.i < src.length) {
        const end = src.indexOf("\n", this.i);
        const line = src.slice(this.i, end === -1 ? src.length : end);
        this.i = end === -1 ? src.length : end + 1;
        if ((doc.stripTabs ? line.replace(/^\t+/, "") : line) === doc.delimiter) {
          closed = true;
          break;
        }
        lines.push(line);
      }
      const body = lines.join("\n");
      if (!closed && this.i >= src.length && lines.length === 0) this.uncertain("a heredoc without a body");
      if (doc.expands) this.substitutionsIn(body);
      doc.command.heredocs.push(body);
      if (!this.out.commands.includes(doc.command)) this.out.commands.push(doc.command);
    }
    this.pending = [];
  }

  /** The `$(…)` and backquotes of an expanding heredoc body run when the heredoc is read. */
  private substitutionsIn(body: string): void {
    const inner = new Reader(body, this.depth, this.out);
    while (inner.i < body.length) {
      const c = body[inner.i];
      if (c === "\\") inner.i += 2;
      else if (c === "$" || c === "`") {
        if (inner.dollarOrBackquote() === null) {
          this.uncertain("an unclosed substitution");
          return;
        }
      } else inner.i++;
    }
  }

  private uncertain(reason: string): void {
    if (!this.out.uncertain.includes(reason)) this.out.uncertain.push(reason);
  }

  private nested(source: string): void {
    const parsed = parseCommandLine(source, this.depth + 1);
    this.out.commands.push(...parsed.commands);
    for (const reason of parsed.uncertain) this.uncertain(reason);
  }

  /** One word, up to an unquoted blank or operator, with bash's quote removal. */
  private word(): Word {
    const { src } = this;
    const word: Word = { text: "", dynamic: false, assignment: false };
    let quotedYet = false;
    let first = true;
    while (this.i < src.length) {
      const c = src[this.i] as string;
      if ((c === "<" || c === ">") && src[this.i + 1] === "(" && first) {
        // process substitution: <(cmd) runs cmd
        const body = this.balanced(this.i + 2, "(", ")");
        if (body === null) return this.unclosed(word, "an unclosed process substitution");
        this.nested(body.text);
        this.i = body.end;
        word.dynamic = true;
        first = false;
        continue;
      }
      if (BLANK.has(c) || OPERATORS.has(c) || c === "<" || c === ">") break;
      first = false;
      if (c === "\\") {
        const next = src[this.i + 1];
        this.i += 2;
        if (next === undefined) break;
        if (next !== "\n") word.text += next;
        quotedYet = true;
      } else if (c === "'") {
        const end = src.indexOf("'", this.i + 1);
        if (end === -1) return this.unclosed(word, "an unclosed single quote");
        word.text += src.slice(this.i + 1, end);
        this.i = end + 1;
        quotedYet = true;
      } else if (c === '"') {
        if (!this.doubleQuoted(word)) return this.unclosed(word, "an unclosed double quote");
        quotedYet = true;
      } else if (c === "$" && src[this.i + 1] === "'") {
        const decoded = this.ansiC();
        if (decoded === null) return this.unclosed(word, "an unclosed $'…' quote");
        word.text += decoded;
        quotedYet = true;
      } else if (c === "$" && src[this.i + 1] === '"') {
        // $"…" is a translated string: the same as "…" here
        this.i++;
        if (!this.doubleQuoted(word)) return this.unclosed(word, "an unclosed double quote");
        quotedYet = true;
      } else if (c === "$" || c === "`") {
        const text = this.dollarOrBackquote();
        if (text === null) return this.unclosed(word, "an unclosed substitution");
        word.text += text.literal;
        word.dynamic ||= text.dynamic;
      } else if (c === "{" && this.isBraceExpansion()) {
        word.text += c;
        word.dynamic = true;
        this.i++;
      } else {
        if (c === "=" && !quotedYet && !word.assignment && /^[A-Za-z_]\w*\+?$/.test(word.text))
          word.assignment = true;
        word.text += c;
        this.i++;
      }
    }
    return word;
  }

  private unclosed(word: Word, reason: string): Word {
    this.uncertain(reason);
    this.i = this.src.length;
    return { ...word, dynamic: true };
  }

  /** `{a,b}` or `{1..3}` up to the next blank: bash expands it into several words. */
  private isBraceExpansion(): boolean {
    const rest = /^\{[^\s;&|<>()]*\}/.exec(this.src.slice(this.i))?.[0] ?? "";
    return rest.includes(",") || rest.includes("..");
  }

  /** `"…"` starting at this.i; false when it never closes. */
  private doubleQuoted(word: Word): boolean {
    const { src } = this;
    this.i++;
    while (this.i < src.length) {
      const c = src[this.i] as string;
      if (c === '"') {
        this.i++;
        return true;
      }
      if (c === "\\") {
        const next = src[this.i + 1] ?? "";
        if (next === "\n") this.i += 2;
        else if ('$`"\\'.includes(next)) {
          word.text += next;
          this.i += 2;
        } else {
          word.text += c;
          this.i++;
        }
      } else if (c === "$" || c === "`") {
        const text = this.dollarOrBackquote();
        if (text === null) return false;
        word.text += text.literal;
        word.dynamic ||= text.dynamic;
      } else {
        word.text += c;
        this.i++;
      }
    }
    return false;
  }

  /**
   * At `$` or a backquote: a substitution (read and its commands recorded), a parameter (dynamic), or
   * a plain `$`. Null when a substitution never closes.
   */
  private dollarOrBackquote(): { literal: string; dynamic: boolean } | null {
    const { src } = this;
    const c = src[this.i];
    if (c === "`") {
      let j = this.i + 1;
      let body = "";
      while (j < src.length && src[j] !== "`") {
        if (src[j] === "\\" && "$`\\".includes(src[j + 1] ?? "")) {
          body += src[j + 1];
          j += 2;
        } else body += src[j++];
      }
      if (j >= src.length) return null;
      this.nested(body);
      this.i = j + 1;
      return { literal: "`…`", dynamic: true };
    }
    const next = src[this.i + 1] ?? "";
    if (next === "(" && src[this.i + 2] === "(") {
      // $((arithmetic)): its value is unknown, and it may hold a $(…) of its own
      const body = this.balanced(this.i + 2, "(", ")");
      if (body === null) return null;
      this.substitutionsIn(body.text);
      this.i = body.end;
      return { literal: "$((…))", dynamic: true };
    }
    if (next === "(") {
      const body = this.balanced(this.i + 2, "(", ")");
      if (body === null) return null;
      this.nested(body.text);
      this.i = body.end;
      return { literal: "$(…)", dynamic: true };
    }
    if (next === "{") {
      const body = this.balanced(this.i + 2, "{", "}");
      if (body === null) return null;
      // ${x:-$(cmd)} runs cmd
      this.substitutionsIn(body.text);
      this.i = body.end;
      return { literal: "$" + "{…}", dynamic: true };
    }
    const name = /^([A-Za-z_]\w*|[0-9@*#?$!-])/.exec(src.slice(this.i + 1))?.[0];
    if (name) {
      this.i += 1 + name.length;
      return { literal: `$${name}`, dynamic: true };
    }
    this.i++;
    return { literal: "$", dynamic: false };
  }

  /**
   * The text from `start` to the `close` that balances an already-open `open`, skipping quoted text;
   * `end` is the index after the close. Null when it never closes.
   */
  private balanced(start: number, open: string, close: string): { text: string; end: number } | null {
    const { src } = this;
    let level = 1;
    let j = start;
    while (j < src.length) {
      const c = src[j];
      if (c === "\\") j += 2;
      else if (c === "'") {
        const end = src.indexOf("'", j + 1);
        if (end === -1) return null;
        j = end + 1;
      } else if (c === '"') {
        j++;
        while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
        if (j >= src.length) return null;
        j++;
      } else if (c === open) {
        level++;
        j++;
      } else if (c === close) {
        level--;
        if (level === 0) return { text: src.slice(start, j), end: j + 1 };
        j++;
      } else j++;
    }
    return null;
  }

  /** `$'…'` with its backslash escapes decoded, as bash does; null when it never closes. */
  private ansiC(): string | null {
    const { src } = this;
    let j = this.i + 2;
    let text = "";
    while (j < src.length && src[j] !== "'") {
      if (src[j] !== "\\") {
        text += src[j++];
        continue;
      }
      const decoded = decodeEscape(src.slice(j + 1));
      text += decoded.text;
      j += 1 + decoded.length;
    }
    if (j >= src.length) return null;
    this.i = j + 1;
    return text;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

const NUMERIC_ESCAPES: Array<[RegExp, (digits: string) => string]> = [
  [/^x([0-9a-fA-F]{1,2})/, (d) => String.fromCharCode(Number.parseInt(d, 16))],
  [/^([0-7]{1,3})/, (d) => String.fromCharCode(Number.parseInt(d, 8) & 0xff)],
  [/^u([0-9a-fA-F]{1,4})/, (d) => String.fromCodePoint(Number.parseInt(d, 16))],
  [/^U([0-9a-fA-F]{1,8})/, (d) => String.fromCodePoint(Math.min(Number.parseInt(d, 16), 0x10ffff))],
  [/^c(.)/, (d) => String.fromCharCode(d.charCodeAt(0) & 0x1f)],
];

/** One backslash escape of `$'…'` (the text after the backslash): what it stands for and its length. */
function decodeEscape(rest: string): { text: string; length: number } {
  const e = rest[0] ?? "";
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { text: simple, length: 1 };
  for (const [pattern, decode] of NUMERIC_ESCAPES) {
    const m = pattern.exec(rest);
    if (m) return { text: decode(m[1] as string), length: m[0].length };
  }
  return { text: `\\${e}`, length: e ? 1 : 0 };
}
