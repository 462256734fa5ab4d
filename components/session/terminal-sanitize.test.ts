import { describe, expect, it } from "vitest";
import { GROUND, sanitizeTerminalText, type TermToken } from "./terminal-sanitize";

/** Every chunk in turn, the parser's state carried between them. */
function tokens(...chunks: string[]): TermToken[] {
  let state = GROUND;
  const out: TermToken[] = [];
  for (const chunk of chunks) {
    const result = sanitizeTerminalText(chunk, state);
    out.push(...result.tokens);
    state = result.state;
  }
  // adjacent text runs from different chunks are one run on screen
  return out.reduce<TermToken[]>((acc, token) => {
    const last = acc.at(-1);
    if (token.kind === "text" && last?.kind === "text")
      acc[acc.length - 1] = { ...last, text: last.text + token.text };
    else acc.push(token);
    return acc;
  }, []);
}

const text = (t: string): TermToken => ({ kind: "text", text: t });
const sgr = (seq: string): TermToken => ({ kind: "sgr", seq });

/** What a hostile command prints to rewrite what the terminal shows; each must vanish whole. */
const DROPPED: Array<[string, string]> = [
  ["CUU cursor up", "\x1b[2A"],
  ["CUU, no parameter", "\x1b[A"],
  ["CUD cursor down", "\x1b[3B"],
  ["CUF cursor forward", "\x1b[5C"],
  ["CUB cursor back", "\x1b[80D"],
  ["CNL / CPL next and previous line", "\x1b[2E\x1b[2F"],
  ["CHA column 1", "\x1b[1G"],
  ["CUP home", "\x1b[H"],
  ["CUP row;col", "\x1b[1;1H"],
  ["HVP", "\x1b[1;1f"],
  ["VPA row", "\x1b[1d"],
  ["ED erase below", "\x1b[J"],
  ["ED erase screen", "\x1b[2J"],
  ["ED 3 clear scrollback", "\x1b[3J"],
  ["EL erase line", "\x1b[2K"],
  ["EL erase to end", "\x1b[K"],
  ["DECSTBM scroll region", "\x1b[1;5r"],
  ["SU scroll up", "\x1b[3S"],
  ["SD scroll down", "\x1b[3T"],
  ["IL insert lines", "\x1b[2L"],
  ["DL delete lines", "\x1b[2M"],
  ["ECH erase characters", "\x1b[5X"],
  ["ICH insert characters", "\x1b[4@"],
  ["DCH delete characters", "\x1b[4P"],
  ["REP repeat", "\x1b[200b"],
  ["DECSC save cursor", "\x1b7"],
  ["DECRC restore cursor", "\x1b8"],
  ["SCOSC / SCORC", "\x1b[s\x1b[u"],
  ["RIS full reset", "\x1bc"],
  ["IND index", "\x1bD"],
  ["NEL next line", "\x1bE"],
  ["RI reverse index (up)", "\x1bM"],
  ["DECALN fill the screen", "\x1b#8"],
  ["charset: DEC line drawing", "\x1b(0"],
  ["charset G1", "\x1b)B"],
  ["keypad modes", "\x1b=\x1b>"],
  ["alternate screen 1049", "\x1b[?1049h"],
  ["alternate screen 47 and 1047", "\x1b[?47h\x1b[?1047h"],
  ["show the cursor", "\x1b[?25h"],
  ["auto-wrap off", "\x1b[?7l"],
  ["origin mode", "\x1b[?6h"],
  ["mouse reporting", "\x1b[?1000h"],
  ["bracketed paste", "\x1b[?2004h"],
  ["cursor style (intermediate byte)", "\x1b[2 q"],
  ["window ops", "\x1b[8;100;300t"],
  ["device status report", "\x1b[6n"],
  ["device attributes", "\x1b[c\x1b[>c"],
  ["modifyOtherKeys (looks like SGR, has >)", "\x1b[>4;1m"],
  ["private SGR-like", "\x1b[?1m"],
  ["SGR with an intermediate byte", "\x1b[1 m"],
  ["OSC 0 title, BEL", "\x1b]0;pwned\x07"],
  ["OSC 2 title, ST", "\x1b]2;pwned\x1b\\"],
  ["OSC 52 clipboard write", "\x1b]52;c;cm0gLXJmIH4=\x07"],
  ["OSC 8 hyperlink open and close", "\x1b]8;;https://evil.example/\x07\x1b]8;;\x07"],
  ["OSC 4 palette change", "\x1b]4;1;rgb:00/00/00\x07"],
  ["DCS", "\x1bP1$r0m\x1b\\"],
  ["DCS sixel", "\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\"],
  ["APC (kitty graphics)", "\x1b_Gf=100;AAAA\x1b\\"],
  ["PM", "\x1b^private\x1b\\"],
  ["SOS", "\x1bXstring\x1b\\"],
  ["C1 CSI cursor up", "\x9b2A"],
  ["C1 CSI colour (8-bit forms are dropped too)", "\x9b31m"],
  ["C1 OSC with C1 ST", "\x9d0;pwned\x9c"],
  ["C1 DCS", "\x90x\x9c"],
  ["C1 IND, NEL, RI", "\x84\x85\x8d"],
  ["backspace", "\b\b\b"],
  ["BEL", "\x07"],
  ["VT and FF", "\x0b\x0c"],
  ["SO and SI", "\x0e\x0f"],
  ["NUL and DEL", "\x00\x7f"],
  ["CAN and SUB", "\x18\x1a"],
  ["a lone ESC before text", "\x1b"],
  ["ESC ESC", "\x1b\x1b"],
];

describe("sanitizeTerminalText", () => {
  it.each(DROPPED)("drops %s", (_name, seq) => {
    expect(tokens(`a${seq}b`)).toEqual([text(seq === "\x1b" || seq === "\x1b\x1b" ? "a" : "ab")]);
  });

  it.each(DROPPED)("drops %s split across chunks at every position", (_name, seq) => {
    const whole = tokens(`a${seq}b`);
    for (let i = 0; i <= seq.length; i++)
      expect(tokens(`a${seq.slice(0, i)}`, `${seq.slice(i)}b`)).toEqual(whole);
  });

  it("keeps the text of a hyperlink, not the link", () => {
    expect(tokens("\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07")).toEqual([text("click")]);
  });

  const KEPT = [
    "\x1b[31m",
    "\x1b[m",
    "\x1b[0m",
    "\x1b[1;38;5;196m",
    "\x1b[38:2::255:0:0m",
    "\x1b[48;2;1;2;3m",
  ];
  it.each(KEPT.map((s) => [JSON.stringify(s), s]))("keeps the SGR %s, whole or split", (_name, seq) => {
    expect(tokens(`a${seq}b`)).toEqual([text("a"), sgr(seq), text("b")]);
    for (let i = 0; i <= seq.length; i++)
      expect(tokens(`a${seq.slice(0, i)}`, `${seq.slice(i)}b`)).toEqual([text("a"), sgr(seq), text("b")]);
  });

  it("drops an SGR with an absurd parameter list", () => {
    expect(tokens(`a\x1b[${"1;".repeat(100)}mb`)).toEqual([text("ab")]);
  });

  it("keeps line feeds, tabs and carriage returns; CRLF is one line feed", () => {
    expect(tokens("50%\r60%\r\r70%\r\ndone\tok\n")).toEqual([
      text("50%"),
      { kind: "cr" },
      text("60%"),
      { kind: "cr" },
      text("70%\ndone"),
      { kind: "tab" },
      text("ok\n"),
    ]);
  });

  it("keeps what a malformed sequence was cut off by", () => {
    expect(tokens("\x1b[12\nx")).toEqual([text("\nx")]);
    expect(tokens("\x1b[31\x1b[32mx")).toEqual([sgr("\x1b[32m"), text("x")]);
    expect(tokens("\x1b(\rx")).toEqual([{ kind: "cr" }, text("x")]);
  });

  it("does not let an unterminated title swallow the next lines", () => {
    expect(tokens("\x1b]0;title never ends", "\nvisible")).toEqual([text("\nvisible")]);
  });

  it("ends a string at ESC and reads what follows as a new sequence", () => {
    expect(tokens("\x1b]0;t\x1b[31mred")).toEqual([sgr("\x1b[31m"), text("red")]);
  });

  it("keeps printable Unicode, including the characters of Ratchet's own lines", () => {
    expect(tokens("▸ run_command ❯ ✓ 日本 é")).toEqual([text("▸ run_command ❯ ✓ 日本 é")]);
  });
});
