import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionEvent } from "@/lib/events/types";
import { GUTTER } from "./render-event";
import {
  type LineMarker,
  leadingNewlines,
  RESET_TERMINAL,
  TerminalWriter,
  type WritableTerminal,
} from "./terminal-writer";
import { type SizedTerminal, Transcript } from "./transcript";

/** A terminal that parses each write at once (as xterm does, in order) and counts lines. */
class FakeTerminal implements WritableTerminal, SizedTerminal {
  text = "";
  cols = 20;
  private resized: Array<(size: { cols: number; rows: number }) => void> = [];
  onResize(listener: (size: { cols: number; rows: number }) => void) {
    this.resized.push(listener);
    return { dispose: () => (this.resized = this.resized.filter((l) => l !== listener)) };
  }
  resize(cols: number): void {
    this.cols = cols;
    for (const listener of this.resized) listener({ cols, rows: 24 });
  }
  /** What the terminal holds since its last reset. */
  get shown(): string {
    return this.text.slice(this.text.lastIndexOf(RESET_TERMINAL) + RESET_TERMINAL.length);
  }
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

describe("Transcript", () => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: SGR sequences are what it drops
  const visible = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
  const at = new Date(0).toISOString();
  const long: SessionEvent = { seq: 2, at, type: "tool-output", callId: "c", chunk: "x".repeat(30) };
  const call: SessionEvent = {
    seq: 1,
    at,
    type: "tool-call",
    callId: "c",
    tool: "t",
    input: {},
    summary: "",
  };

  it("renders what arrived before the terminal again at its width, and again when the width settles", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const transcript = new Transcript(new TerminalWriter());
      transcript.add(call);
      transcript.add(long);
      const term = new FakeTerminal();
      transcript.attach(term);
      runFrames();
      expect(transcript.cols).toBe(20);
      const rows = visible(term.shown).split("\n");
      expect(rows).toEqual(["▸ t", `${GUTTER}${"x".repeat(18)}`, `${GUTTER}${"x".repeat(12)}`]);

      term.resize(12);
      term.resize(10);
      runFrames();
      expect(transcript.cols).toBe(20); // not while the width is still changing
      vi.runAllTimers();
      runFrames();
      expect(transcript.cols).toBe(10);
      expect(visible(term.shown).split("\n").slice(1)).toEqual([
        `${GUTTER}${"x".repeat(8)}`,
        `${GUTTER}${"x".repeat(8)}`,
        `${GUTTER}${"x".repeat(8)}`,
        `${GUTTER}${"x".repeat(6)}`,
      ]);

      transcript.detach(term);
      term.resize(40);
      vi.runAllTimers();
      expect(transcript.cols).toBe(10);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps the waterfall's anchors across a re-render", () => {
    const writer = new TerminalWriter();
    const transcript = new Transcript(writer);
    const term = new FakeTerminal();
    transcript.attach(term);
    transcript.add(long);
    transcript.add({ ...call, seq: 3 });
    runFrames();
    expect(writer.reveal(3)).toBe(true);
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
