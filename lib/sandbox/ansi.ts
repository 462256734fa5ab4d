const ESC = "\\u001b";
const CSI = `(?:${ESC}\\[|\\u009b)[0-?]*[ -/]*`;
const OSC = `${ESC}\\][^\\u0007\\u001b]*`;
const STRING_SEQ = `${ESC}[PX^_][^\\u001b]*`;
const ST = `(?:\\u0007|${ESC}\\\\)`;

/** CSI (colours, cursor), OSC (titles, hyperlinks), DCS/PM/APC strings, and two-byte escapes. */
const COMPLETE = new RegExp(
  [`${CSI}[@-~]`, `${OSC}${ST}`, `${STRING_SEQ}${ESC}\\\\`, `${ESC}[ -/]*[0-~]`].join("|"),
  "g",
);
/** An escape sequence cut off by the end of a chunk. */
const UNFINISHED = new RegExp(`(?:${CSI}|${OSC}${ESC}?|${STRING_SEQ}${ESC}?|${ESC}[ -/]*)$`);
const STRAY = new RegExp(`${ESC}|\\u009b`, "g");
/** Longer unfinished sequences are treated as garbage instead of being held back. */
const MAX_UNFINISHED = 4096;

export function stripAnsi(text: string): string {
  return text.replace(COMPLETE, "").replace(STRAY, "");
}

export interface AnsiStripper {
  push(chunk: string): string;
  flush(): string;
}

function unfinishedStart(text: string): number {
  const m = UNFINISHED.exec(text);
  if (!m || text.length - m.index > MAX_UNFINISHED) return text.length;
  return m.index;
}

/** Strips escapes from a stream whose chunks may split a sequence. */
export function createAnsiStripper(): AnsiStripper {
  let pending = "";
  return {
    push: (chunk) => {
      const text = pending + chunk;
      const cut = unfinishedStart(text);
      pending = text.slice(cut);
      return stripAnsi(text.slice(0, cut));
    },
    flush: () => {
      const out = stripAnsi(pending);
      pending = "";
      return out;
    },
  };
}
