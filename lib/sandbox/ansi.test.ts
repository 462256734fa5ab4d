import { describe, expect, it } from "vitest";
import { createAnsiStripper, stripAnsi } from "./ansi";

const CASES: [string, string, string][] = [
  ["SGR colours", "\x1b[1;31merror\x1b[0m: bad", "error: bad"],
  ["256 colours", "\x1b[38;5;208morange\x1b[39m", "orange"],
  ["cursor movement and erase", "50%\x1b[2K\x1b[1G100%", "50%100%"],
  ["private mode", "\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"],
  ["OSC title with BEL", "\x1b]0;my title\x07text", "text"],
  ["OSC hyperlink with ST", "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\", "link"],
  ["charset selection", "\x1b(Bplain", "plain"],
  ["keypad mode", "\x1b=\x1b>x", "x"],
  ["C1 CSI", "\u009b31mred", "red"],
  ["DCS string", "\x1bPq#0;2;0;0;0\x1b\\after", "after"],
  ["stray escape", "a\x1b", "a"],
  ["no escapes", "plain text\n", "plain text\n"],
];

describe("stripAnsi", () => {
  it.each(CASES)("strips %s", (_name, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });
});

describe("createAnsiStripper", () => {
  it.each(CASES)("strips %s split at every point", (_name, input, expected) => {
    for (let i = 0; i <= input.length; i++) {
      const stripper = createAnsiStripper();
      const out = stripper.push(input.slice(0, i)) + stripper.push(input.slice(i)) + stripper.flush();
      expect(out, `split at ${i}`).toBe(expected);
    }
  });

  it("passes text without escapes through immediately", () => {
    expect(createAnsiStripper().push("abc")).toBe("abc");
  });
});
