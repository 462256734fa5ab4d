export const MASK = "«masked»";

/** Shorter values would mask ordinary words all over the output. */
const MIN_SECRET_LENGTH = 8;
const SECRET_ENV_NAME = /(_KEY|_TOKEN|_SECRET|_PASSWORD)$/i;
/** Longest unfinished token kept back while streaming. */
const MAX_TOKEN_HOLD = 256;
/** Context kept after emitting, so a match straddling the emit point is still recognised. */
const MIN_CONTEXT = 32;

/** Like NodeJS.ProcessEnv, but without the NODE_ENV that Next.js declares required. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name) || name === "OPENAI_API_KEY";
}

export function secretEnvNames(env: EnvLike): string[] {
  return Object.keys(env).filter(isSecretEnvName);
}

/** Characters that end a URL's authority, or the text around it (quotes, brackets, whitespace). */
const NOT_AUTHORITY = "\\s/?#\"'<>\\x60";

/**
 * The password of `scheme://user:password@host` (the user may be empty: `redis://:pw@host`). The
 * password runs to the authority's last `@`, so an unencoded `@` in it is still covered.
 */
const URL_CREDENTIALS = new RegExp(`(:\\/\\/[^${NOT_AUTHORITY}@:]*:)([^${NOT_AUTHORITY}]+)(?=@)`, "g");

/** Passwords in URL-valued variables (DATABASE_URL, HTTP_PROXY, …), as written and percent-decoded. */
export function urlPasswords(value: string): string[] {
  const found: string[] = [];
  for (const m of value.matchAll(URL_CREDENTIALS)) {
    const password = m[2] ?? "";
    found.push(password);
    try {
      found.push(decodeURIComponent(password));
    } catch {
      // not valid percent-encoding: the raw form is the one that can appear
    }
  }
  return found;
}

export function collectSecrets(env: EnvLike, extra: string[]): string[] {
  const fromEnv = secretEnvNames(env).map((name) => env[name] ?? "");
  const fromUrls = Object.values(env).flatMap((value) => (value ? urlPasswords(value) : []));
  const all = [...fromEnv, ...fromUrls, ...extra].filter((value) => value.length >= MIN_SECRET_LENGTH);
  return [...new Set(all)];
}

interface TokenPattern {
  /** What every match begins with (a regex source): the cheap test that rules a text out. */
  start: string;
  full: RegExp;
  partial: RegExp;
  body: RegExp;
  keepPrefix: boolean;
}

// A token must not continue a word ("task-list-…" is no key), but may follow an SGR colour code.
const BOUNDARY = String.raw`(?:(?<![A-Za-z0-9_-])|(?<=\x1b\[[0-9;]*m))`;

/** Same as BOUNDARY before `prefix`, but checked after it so V8 can scan for the prefix quickly. */
function boundaryBehind(prefix: string): string {
  return String.raw`(?:(?<![A-Za-z0-9_-]${prefix})|(?<=\x1b\[[0-9;]*m${prefix}))`;
}

function tokenPattern(
  atoms: string[],
  body: string,
  min: number,
  opts: { exact?: boolean; keepPrefix?: boolean } = {},
): TokenPattern {
  const prefix = atoms.join("");
  const prefixes = atoms.map((_, i) => atoms.slice(0, i + 1).join(""));
  // a fixed-length token at the very end may still be followed by a character that disqualifies it
  const started = `${prefix}${body}{0,${opts.exact ? min : min - 1}}`;
  const count = opts.exact ? `{${min}}(?![A-Za-z0-9])` : `{${min},}`;
  return {
    start: prefix,
    full: new RegExp(`(${prefix})${boundaryBehind(prefix)}${body}${count}`, "g"),
    // only ever run on a short tail
    partial: new RegExp(`${BOUNDARY}(?:${[...prefixes.slice(0, -1), started].join("|")})$`),
    body: new RegExp(`${body}*`, "y"),
    keepPrefix: opts.keepPrefix ?? false,
  };
}

const chars = (text: string): string[] => [...text];

const TOKEN_PATTERNS: TokenPattern[] = [
  // also covers sk-ant-… and sk-proj-…
  tokenPattern(chars("sk-"), "[A-Za-z0-9_-]", 16),
  tokenPattern(["g", "h", "[pousr]", "_"], "[A-Za-z0-9]", 20),
  tokenPattern(chars("github_pat_"), "[A-Za-z0-9_]", 20),
  tokenPattern(["x", "o", "x", "[baprs]", "-"], "[A-Za-z0-9-]", 10),
  tokenPattern(chars("AKIA"), "[0-9A-Z]", 16, { exact: true }),
  tokenPattern(["[Bb]", ...chars("earer"), "[ \\t]+"], "[A-Za-z0-9._~+/=-]", 16, { keepPrefix: true }),
  {
    // `scheme://user:` stays readable, the password does not; while an authority is still
    // unterminated at the end of a chunk it is held back (a later `@` may make it a password)
    start: ":\\/\\/",
    full: URL_CREDENTIALS,
    partial: new RegExp(`:(?:\\/|\\/\\/[^${NOT_AUTHORITY}]*)?$`),
    body: new RegExp(`[^${NOT_AUTHORITY}]*`, "y"),
    keepPrefix: true,
  },
];

/**
 * Any token pattern's start. Most texts (a JSON key, a word, a line of output) have none, and one
 * scan of this saves running every pattern over them.
 */
const ANY_TOKEN_START = new RegExp(TOKEN_PATTERNS.map((pattern) => pattern.start).join("|"));

interface Match {
  start: number;
  end: number;
  replacement: string;
  body?: RegExp;
}

function literalMatches(text: string, literals: string[]): Match[] {
  const found: Match[] = [];
  for (const literal of literals) {
    for (let at = text.indexOf(literal); at !== -1; at = text.indexOf(literal, at + 1)) {
      found.push({ start: at, end: at + literal.length, replacement: MASK });
    }
  }
  return found;
}

function tokenMatches(text: string): Match[] {
  const found: Match[] = [];
  for (const pattern of TOKEN_PATTERNS) {
    for (const m of text.matchAll(pattern.full)) {
      const prefix = pattern.keepPrefix ? (m[1] ?? "") : "";
      found.push({
        start: m.index,
        end: m.index + m[0].length,
        replacement: prefix + MASK,
        body: pattern.body,
      });
    }
  }
  return found;
}

function findMatches(text: string, literals: string[]): Match[] {
  const literal = literalMatches(text, literals);
  if (!ANY_TOKEN_START.test(text)) return literal.length > 1 ? literal.sort(byPosition) : literal;
  return [...literal, ...tokenMatches(text)].sort(byPosition);
}

function byPosition(a: Match, b: Match): number {
  return a.start - b.start || b.end - a.end;
}

/** Earliest index whose rest of `text` is a proper prefix of `literal`. */
function literalPrefixStart(text: string, literal: string): number {
  const first = literal.charAt(0);
  const from = Math.max(0, text.length - literal.length + 1);
  for (let at = text.indexOf(first, from); at !== -1; at = text.indexOf(first, at + 1)) {
    if (literal.startsWith(text.slice(at))) return at;
  }
  return text.length;
}

/** Earliest index from which the text could still turn into a secret once more text arrives. */
function unfinishedStart(text: string, literals: string[]): number {
  let start = text.length;
  for (const literal of literals) start = Math.min(start, literalPrefixStart(text, literal));
  const tail = Math.max(0, text.length - MAX_TOKEN_HOLD);
  for (const pattern of TOKEN_PATTERNS) {
    const m = pattern.partial.exec(text.slice(tail));
    if (m) start = Math.min(start, tail + m.index);
  }
  return start;
}

interface Rendered {
  text: string;
  /** Index up to which the input is accounted for (emitted or masked). */
  end: number;
  /** Set when the last mask reached the end of the input and the token may go on. */
  openBody: RegExp | null;
}

function render(text: string, from: number, until: number, matches: Match[]): Rendered {
  let out = "";
  let pos = from;
  let openBody: RegExp | null = null;
  for (const m of matches) {
    if (m.end <= pos) continue;
    if (m.start >= until) break;
    // a match starting before `pos` was already replaced by an earlier call
    if (m.start >= pos) out += text.slice(pos, m.start) + m.replacement;
    pos = m.end;
    openBody = m.end === text.length ? (m.body ?? null) : null;
  }
  if (pos < until) {
    out += text.slice(pos, until);
    pos = until;
    openBody = null;
  }
  return { text: out, end: pos, openBody };
}

function usableSecrets(secrets: string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length > 0))];
}

export function maskSecrets(text: string, secrets: string[]): string {
  return secretMasker(secrets)(text);
}

/**
 * `maskSecrets` with the secrets prepared once, for masking many texts (every string of a model
 * request). A text with nothing to mask comes back as the same string.
 */
export function secretMasker(secrets: string[]): (text: string) => string {
  const literals = usableSecrets(secrets);
  return (text) => {
    const matches = findMatches(text, literals);
    return matches.length === 0 ? text : render(text, 0, text.length, matches).text;
  };
}

export interface StreamMasker {
  push(chunk: string): string;
  flush(): string;
}

export function createStreamMasker(secrets: string[]): StreamMasker {
  const literals = usableSecrets(secrets);
  const context = Math.max(MIN_CONTEXT, ...literals.map((s) => s.length));
  let buffer = "";
  let emitted = 0;
  let openBody: RegExp | null = null;

  // the rest of a token whose mask was already emitted
  const swallowOpenToken = (): void => {
    if (!openBody) return;
    openBody.lastIndex = emitted;
    openBody.exec(buffer);
    emitted = openBody.lastIndex;
    if (emitted < buffer.length) openBody = null;
  };

  const step = (until: (text: string) => number): string => {
    swallowOpenToken();
    let out = "";
    if (emitted < buffer.length) {
      const result = render(buffer, emitted, until(buffer), findMatches(buffer, literals));
      emitted = Math.max(emitted, result.end);
      openBody = result.openBody;
      out = result.text;
    }
    const keepFrom = Math.max(0, emitted - context);
    buffer = buffer.slice(keepFrom);
    emitted -= keepFrom;
    return out;
  };

  return {
    push: (chunk) => {
      buffer += chunk;
      return step((text) => unfinishedStart(text, literals));
    },
    flush: () => {
      const out = step((text) => text.length);
      buffer = "";
      emitted = 0;
      openBody = null;
      return out;
    },
  };
}
