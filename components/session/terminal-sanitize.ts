/**
 * What untrusted text (command and tool output, the model's text and reasoning) may do to the
 * transcript terminal: print characters, end a line, return to the start of its line, tab, and set
 * colours and styles (SGR, `ESC [ … m`). That is an allowlist: every other escape sequence and
 * control character is dropped, whatever it is — cursor movement, erasing, scrolling regions,
 * insert/delete, save/restore, screen switches, resets, titles, hyperlinks, clipboard writes, device
 * strings, 8-bit C1 forms, backspace — so output can never move above its own line or rewrite what
 * was shown before it (Ratchet's own lines, the user's message).
 *
 * Pure and incremental: a sequence split across two chunks is recognised, because the parser's
 * state is handed from one chunk to the next.
 */

export type TermToken =
  /** Printable characters and line feeds. */
  { kind: "text"; text: string } | { kind: "cr" } | { kind: "tab" } | { kind: "sgr"; seq: string };

/** Where the parser stands at the end of a chunk. Plain data, so it can live in render state. */
export type EscapeState =
  | { kind: "ground" }
  /** After ESC. */
  | { kind: "esc" }
  /** ESC and intermediate bytes, waiting for the final one. */
  | { kind: "intermediate" }
  /** A control sequence; `sgr` while it can still be a 7-bit SGR (only digits, `;` and `:` so far). */
  | { kind: "csi"; params: string; sgr: boolean }
  /** OSC, DCS, SOS, PM or APC: dropped up to its terminator. */
  | { kind: "string"; afterEsc: boolean };

export const GROUND: EscapeState = { kind: "ground" };

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what it starts with
const WHOLE_CSI = /\x1b\[([0-?]*)([ -/]*)([@-~])/y;
const SGR_PARAMS = /^[0-9;:]*$/;
/** Longer parameter lists are not colours anyone sends; the sequence is dropped. */
const MAX_SGR_PARAMS = 64;

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
/** C1 openers of string sequences: DCS, SOS, OSC, PM, APC. */
const C1_STRINGS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** 7-bit openers after ESC: DCS `P`, SOS `X`, OSC `]`, PM `^`, APC `_`. */
const ESC_STRINGS = new Set([0x50, 0x58, 0x5d, 0x5e, 0x5f]);

/** A run of characters with nothing to parse: no C0 or C1 control but the line feed, no DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it stops at
const PRINTABLE_RUN = /[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]+/y;

function printable(code: number): boolean {
  return code >= 0x20 && code !== 0x7f && (code < 0x80 || code > 0x9f);
}

/**
 * Splits `text` into what may reach the terminal, given the state the previous chunk left.
 * `\r\n` becomes one line feed; consecutive `\r` collapse.
 */
export function sanitizeTerminalText(
  text: string,
  state: EscapeState = GROUND,
): { tokens: TermToken[]; state: EscapeState } {
  const tokens: TermToken[] = [];
  let run = "";
  let esc: EscapeState = state;
  const flush = () => {
    if (run) tokens.push({ kind: "text", text: run });
    run = "";
  };
  const push = (token: TermToken) => {
    flush();
    const last = tokens.at(-1);
    if (token.kind === "cr" && last?.kind === "cr") return;
    tokens.push(token);
  };

  /** A character outside any sequence. */
  const ground = (ch: string, code: number) => {
    if (code === ESC) esc = { kind: "esc" };
    else if (code === C1_CSI) esc = { kind: "csi", params: "", sgr: false };
    else if (C1_STRINGS.has(code)) esc = { kind: "string", afterEsc: false };
    else if (code === 0x0a) run += "\n";
    else if (code === 0x0d) {
      if (text.charCodeAt(i) !== 0x0a) push({ kind: "cr" });
    } else if (code === 0x09) push({ kind: "tab" });
    else if (printable(code)) run += ch;
    // anything else (BEL, BS, VT, FF, SO, SI, other C0 and C1 controls, DEL) is dropped
  };

  /** The character after ESC. */
  const afterEsc = (ch: string, code: number) => {
    if (code === 0x5b) esc = { kind: "csi", params: "", sgr: true };
    else if (ESC_STRINGS.has(code)) esc = { kind: "string", afterEsc: false };
    else if (code >= 0x20 && code <= 0x2f) esc = { kind: "intermediate" };
    else {
      // ESC c, ESC 7, ESC M, … are dropped; a control character stands on its own
      esc = GROUND;
      if (code < 0x30 || code > 0x7e) broken(ch, code);
    }
  };

  /** A character that ends a sequence without completing it: the sequence is dropped, not the character. */
  const broken = (ch: string, code: number) => {
    esc = GROUND;
    if (code !== CAN && code !== SUB) ground(ch, code);
  };

  let i = 0;
  while (i < text.length) {
    if (esc.kind === "ground") {
      PRINTABLE_RUN.lastIndex = i;
      const printable = PRINTABLE_RUN.exec(text)?.[0];
      if (printable) {
        run += printable;
        i += printable.length;
        continue;
      }
      // A whole control sequence at once (colours come by the thousand); the state machine
      // below takes the rest: sequences split across chunks, malformed ones, strings.
      WHOLE_CSI.lastIndex = i;
      const csi = WHOLE_CSI.exec(text);
      if (csi) {
        const [whole, params = "", intermediates = "", final = ""] = csi;
        if (final === "m" && !intermediates && SGR_PARAMS.test(params) && params.length <= MAX_SGR_PARAMS)
          push({ kind: "sgr", seq: whole });
        i += whole.length;
        continue;
      }
    }
    const code = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(code);
    i += ch.length;
    switch (esc.kind) {
      case "ground":
        ground(ch, code);
        break;
      case "esc":
        afterEsc(ch, code);
        break;
      case "intermediate":
        if (code >= 0x30 && code <= 0x7e) esc = GROUND;
        else if (code < 0x20 || code > 0x2f) broken(ch, code);
        break;
      case "csi":
        if (code >= 0x30 && code <= 0x3f) {
          const sgr = esc.sgr && /[0-9;:]/.test(ch) && esc.params.length < MAX_SGR_PARAMS;
          esc = { kind: "csi", params: sgr ? esc.params + ch : "", sgr };
        } else if (code >= 0x20 && code <= 0x2f) {
          esc = { kind: "csi", params: "", sgr: false };
        } else if (code >= 0x40 && code <= 0x7e) {
          if (esc.sgr && code === 0x6d) push({ kind: "sgr", seq: `\x1b[${esc.params}m` });
          esc = GROUND;
        } else broken(ch, code);
        break;
      case "string":
        if (esc.afterEsc) {
          // ESC \ is the terminator; ESC followed by anything else ends the string and starts a sequence
          if (code === 0x5c) esc = GROUND;
          else afterEsc(ch, code);
        } else if (code === ESC) esc = { kind: "string", afterEsc: true };
        else if (code === BEL || code === C1_ST || code === CAN || code === SUB) esc = GROUND;
        else if (code === 0x0a) {
          // an unterminated title or hyperlink does not swallow the rest of the output
          esc = GROUND;
          run += "\n";
        }
        break;
    }
  }
  flush();
  return { tokens, state: esc };
}
