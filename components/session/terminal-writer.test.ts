import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type LineMarker, leadingNewlines, TerminalWriter, type WritableTerminal } from "./terminal-writer";

/** A terminal that parses each write at once (as xterm does, in order) and counts lines. */
class FakeTerminal implements WritableTerminal {
  text = "";
  writes: string[] = [];
  scrolledTo: number | null = null;
  selected: [number, number] | null = null;
  readonly markers: Array<{ line: number; isDisposed: boolean }> = [];

  write(data: string, callback?: () => void): void {
    this.writes.push(data);
    this.text += data;
    callback?.();
  }
  registerMarker(offset = 0): LineMarker {
    const marker = { line: this.text.split("\n").length - 1 + offset, isDisposed: false };
    this.markers.push(marker);
    return marker;
  }
  scrollToLine(line: number): void {
    this.scrolledTo = line;
  }
  selectLines(start: number, end: number): void {
    this.selected = [start, end];
  }
}

let frames: Array<() => void> = [];

beforeEach(() => {
  frames = [];
  vi.stubGlobal("requestAnimationFrame", (cb: () => void) => frames.push(cb));
  vi.stubGlobal("cancelAnimationFrame", () => undefined);
});
afterEach(() => vi.unstubAllGlobals());

function runFrames(): void {
  const pending = frames;
  frames = [];
  for (const frame of pending) frame();
}

describe("TerminalWriter", () => {
  it("writes everything queued in a frame at once and reports the last seq", () => {
    const written: number[] = [];
    const writer = new TerminalWriter((seq) => written.push(seq));
    const term = new FakeTerminal();
    writer.attach(term);
    writer.push("a", 1);
    writer.push("b\n", 2);
    writer.push("", 3);
    runFrames();
    expect(term.writes).toEqual(["ab\n"]);
    expect(written).toEqual([3]);
  });

  it("keeps text pushed before a terminal is attached", () => {
    const writer = new TerminalWriter();
    writer.push("early\n", 1);
    expect(frames).toHaveLength(0);
    const term = new FakeTerminal();
    writer.attach(term);
    runFrames();
    expect(term.text).toBe("early\n");
  });

  it("remembers the line each anchored event starts on and reveals it", () => {
    const writer = new TerminalWriter();
    const term = new FakeTerminal();
    writer.push("turn 1\n", 1, true);
    writer.push("some text\nmore", 2);
    writer.push("\n\n$ npm test\n", 3, true);
    writer.push("out 1\nout 2\nout 3\nout 4\n", 4);
    writer.push("$ npm run lint\n", 5, true);
    writer.attach(term);
    runFrames();

    const lines = term.text.split("\n");
    expect(writer.reveal(3)).toBe(true);
    const [line3] = term.selected ?? [];
    expect(lines[line3 ?? -1]).toBe("$ npm test");
    expect(term.scrolledTo).toBe((line3 ?? 0) - 2);

    expect(writer.reveal(5)).toBe(true);
    expect(lines[term.selected?.[0] ?? -1]).toBe("$ npm run lint");
    expect(writer.reveal(1)).toBe(true);
    expect(term.selected).toEqual([0, 0]);
    expect(term.scrolledTo).toBe(0);
    // the text is unchanged by the anchors
    expect(term.text).toBe(
      "turn 1\nsome text\nmore\n\n$ npm test\nout 1\nout 2\nout 3\nout 4\n$ npm run lint\n",
    );
  });

  it("cannot reveal events that were not anchored, whose lines left the scrollback, or after detach", () => {
    const writer = new TerminalWriter();
    const term = new FakeTerminal();
    writer.attach(term);
    writer.push("x\n", 1, true);
    writer.push("y\n", 2);
    runFrames();
    expect(writer.canReveal(1)).toBe(true);
    expect(writer.reveal(2)).toBe(false);
    const marker = term.markers[0];
    if (!marker) throw new Error("no marker");
    marker.isDisposed = true;
    expect(writer.canReveal(1)).toBe(false);
    expect(writer.reveal(1)).toBe(false);

    writer.push("z\n", 3, true);
    runFrames();
    writer.detach(term);
    expect(writer.reveal(3)).toBe(false);
  });
});

describe("leadingNewlines", () => {
  it.each([
    ["plain", 0],
    ["\nx", 1],
    ["\r\n\r\nx", 2],
    ["\x1b[2m\n\x1b[0m\n$ x", 2],
    ["\x1b[34mx\n", 0],
    ["", 0],
  ])("%j → %d", (text, expected) => {
    expect(leadingNewlines(text)).toBe(expected);
  });
});
