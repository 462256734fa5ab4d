import { describe, expect, it } from "vitest";
import { dropIgnoredControls } from "./controls";

const code = (c: number) => String.fromCharCode(c);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => code(from + i));

describe("dropIgnoredControls", () => {
  it("drops NUL, the other C0 controls a terminal ignores, and DEL", () => {
    const ignored = [
      ...range(0x00, 0x06),
      ...range(0x10, 0x17),
      code(0x19),
      ...range(0x1c, 0x1f),
      code(0x7f),
    ];
    for (const c of ignored) expect(dropIgnoredControls(`a${c}b`), `U+${c.charCodeAt(0)}`).toBe("ab");
    expect(dropIgnoredControls(`x${ignored.join("")}y`)).toBe("xy");
  });

  it("keeps the controls a terminal acts on", () => {
    // BEL, BS, TAB, LF, VT, FF, CR, SO, SI, CAN, SUB, ESC
    const kept = [...range(0x07, 0x0f), code(0x18), code(0x1a), code(0x1b)].join("");
    expect(dropIgnoredControls(kept)).toBe(kept);
  });

  it("leaves escape sequences, printable text and other characters alone", () => {
    const text = "\x1b[1;31merror\x1b[0m: \x1b]0;title\x07 € 漢字 😀 \u009b31m \ufffd\r\n";
    expect(dropIgnoredControls(text)).toBe(text);
  });

  it("turns a run of NULs into nothing", () => {
    expect(dropIgnoredControls("\0".repeat(65536))).toBe("");
    expect(dropIgnoredControls(`a${"\0".repeat(1000)}b\0c`)).toBe("abc");
  });
});
