/**
 * Finds the module loads in a tool's source: `import … from "x"`, `import "x"`, `export … from "x"`
 * and `import(…)`. A small lexer, not a parser: it skips comments, strings, template literals and
 * regular expressions, so text that merely looks like an import is not one. It is the check the
 * model and the reviewer see; what actually runs is enforced by the loader hooks of the tool host
 * (lib/tools/host/tool-loader.mjs), which a lexer mistake cannot get past.
 */

export interface ModuleLoad {
  line: number;
  /** The specifier, or null when it is computed at run time (not a plain string literal). */
  specifier: string | null;
  dynamic: boolean;
}

type Token =
  | { kind: "name"; value: string; line: number }
  | { kind: "string"; value: string; plain: boolean; line: number }
  | { kind: "punct"; value: string; line: number }
  | { kind: "other"; line: number };

/** After these words a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

const NAME_START = /[A-Za-z_$\u0080-\uffff]/;
const NAME_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function regexAllowed(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === "name") return BEFORE_REGEX.has(previous.value);
  if (previous.kind === "punct") return previous.value !== ")" && previous.value !== "]";
  return false;
}

class Lexer {
  private i = 0;
  private line = 1;
  readonly tokens: Token[] = [];
  /** One entry per open `{`: whether closing it resumes a template literal. */
  private braces: boolean[] = [];

  constructor(private readonly text: string) {}

  run(): Token[] {
    while (this.i < this.text.length) this.next();
    return this.tokens;
  }

  private advance(n = 1): void {
    for (let k = 0; k < n && this.i < this.text.length; k++) {
      if (this.text[this.i] === "\n") this.line++;
      this.i++;
    }
  }

  private next(): void {
    const c = this.text[this.i] ?? "";
    const d = this.text[this.i + 1] ?? "";
    const line = this.line;
    if (/\s/.test(c)) this.advance();
    else if (c === "/" && d === "/") this.skipTo("\n", 0);
    else if (c === "/" && d === "*") this.skipTo("*/", 2);
    else if (c === '"' || c === "'") this.quoted(c, line);
    else if (c === "`") {
      this.advance();
      this.template(line);
    } else if (c === "/" && regexAllowed(this.tokens.at(-1))) this.regex(line);
    else if (NAME_START.test(c)) this.name(line);
    else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(d))) {
      while (this.i < this.text.length && /[0-9A-Za-z_.]/.test(this.text[this.i] ?? "")) this.advance();
      this.tokens.push({ kind: "other", line });
    } else if (c === "}" && this.braces.pop()) {
      // the end of a `${…}` inside a template literal: the literal goes on
      this.advance();
      this.template(line, true);
    } else {
      if (c === "{") this.braces.push(false);
      this.tokens.push({ kind: "punct", value: c, line });
      this.advance();
    }
  }

  /** Up to and past `end` (a comment's end; `keep` = 0 leaves a newline to count). */
  private skipTo(end: string, keep: number): void {
    const at = this.text.indexOf(end, this.i + 2);
    this.advance((at === -1 ? this.text.length : at + keep) - this.i);
  }

  private name(line: number): void {
    let value = "";
    while (this.i < this.text.length && NAME_PART.test(this.text[this.i] ?? "")) {
      value += this.text[this.i];
      this.advance();
    }
    this.tokens.push({ kind: "name", value, line });
  }

  private quoted(quote: string, line: number): void {
    this.advance();
    let value = "";
    let plain = true;
    while (this.i < this.text.length) {
      const c = this.text[this.i] ?? "";
      if (c === quote) break;
      if (c === "\n") break; // an unterminated string: the module will not load anyway
      if (c === "\\") {
        plain = false;
        value += c + (this.text[this.i + 1] ?? "");
        this.advance(2);
        continue;
      }
      value += c;
      this.advance();
    }
    this.advance();
    this.tokens.push({ kind: "string", value, plain, line });
  }

  /** From just after a backtick (or the `}` of a substitution) to the end or the next `${`. */
  private template(line: number, continued = false): void {
    let value = "";
    let plain = !continued;
    while (this.i < this.text.length) {
      const c = this.text[this.i] ?? "";
      if (c === "`") {
        this.advance();
        this.tokens.push(plain ? { kind: "string", value, plain, line } : { kind: "other", line });
        return;
      }
      if (c === "\\") {
        plain = false;
        this.advance(2);
        continue;
      }
      if (c === "$" && this.text[this.i + 1] === "{") {
        this.advance(2);
        this.tokens.push({ kind: "other", line });
        this.braces.push(true);
        return;
      }
      value += c;
      this.advance();
    }
  }

  private regex(line: number): void {
    this.advance();
    let inClass = false;
    while (this.i < this.text.length) {
      const c = this.text[this.i] ?? "";
      if (c === "\n") break;
      if (c === "\\") {
        this.advance(2);
        continue;
      }
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      this.advance();
    }
    this.advance();
    while (this.i < this.text.length && /[a-z]/i.test(this.text[this.i] ?? "")) this.advance();
    this.tokens.push({ kind: "other", line });
  }
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.kind === "punct" && token.value === value;
}

function isName(token: Token | undefined, value: string): boolean {
  return token?.kind === "name" && token.value === value;
}

function literal(token: Token | undefined): string | null {
  return token?.kind === "string" && token.plain ? token.value : null;
}

/**
 * The specifier of `… from "x"` after `import` or `export`: the clause between holds only names,
 * `*`, `,` and a braced list (whose entries may be strings: `{ "a-b" as c }`).
 */
function fromClause(tokens: Token[], start: number): { specifier: string | null; found: boolean } {
  let braced = false;
  for (let k = start; k < tokens.length; k++) {
    const token = tokens[k];
    if (!braced && isName(token, "from") && tokens[k + 1]?.kind === "string")
      return { specifier: literal(tokens[k + 1]), found: true };
    if (isPunct(token, "{") && !braced) braced = true;
    else if (isPunct(token, "}") && braced) braced = false;
    else if (token?.kind === "name" || isPunct(token, ",") || isPunct(token, "*")) continue;
    else if (!(braced && token?.kind === "string")) break;
  }
  return { specifier: null, found: false };
}

export function findModuleLoads(source: string): ModuleLoad[] {
  const tokens = new Lexer(source).run();
  const loads: ModuleLoad[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k];
    if (token?.kind !== "name" || isPunct(tokens[k - 1], ".")) continue;
    const next = tokens[k + 1];
    // `{ import: 1 }`, `x.import`: a property, not a load
    if (isPunct(next, ":")) continue;
    if (token.value === "import") {
      if (isPunct(next, ".")) continue; // import.meta
      if (isPunct(next, "(")) {
        const argument = tokens[k + 2];
        const closed = isPunct(tokens[k + 3], ")") || isPunct(tokens[k + 3], ",");
        loads.push({ line: token.line, specifier: closed ? literal(argument) : null, dynamic: true });
        continue;
      }
      if (next?.kind === "string") {
        loads.push({ line: token.line, specifier: literal(next), dynamic: false });
        continue;
      }
      const clause = fromClause(tokens, k + 1);
      if (clause.found) loads.push({ line: token.line, specifier: clause.specifier, dynamic: false });
    } else if (token.value === "export" && (isPunct(next, "*") || isPunct(next, "{"))) {
      const clause = fromClause(tokens, k + 1);
      if (clause.found) loads.push({ line: token.line, specifier: clause.specifier, dynamic: false });
    }
  }
  return loads;
}
