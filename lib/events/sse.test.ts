import { describe, expect, it, vi } from "vitest";
import { createSession } from "@/lib/db/queries/sessions";
import { appendEvent, drainEvents } from "./log";
import { REPLAY_PAGE, sessionEventStream, UNREAD_LIMIT } from "./sse";
import type { SessionEvent } from "./types";

const newSession = () => createSession({ title: "sse", workspace: "/tmp", budgetUsd: null, model: "m" });

/** Reads SSE frames from a stream, a read at a time, as a viewer does. */
class Viewer {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";
  readonly events: SessionEvent[] = [];

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Reads until `count` events arrived in all. */
  async readUntil(count: number): Promise<SessionEvent[]> {
    while (this.events.length < count) {
      const { value, done } = await this.reader.read();
      if (done) throw new Error(`stream ended after ${this.events.length} events`);
      this.buffer += this.decoder.decode(value, { stream: true });
      const end = this.buffer.lastIndexOf("\n\n");
      if (end < 0) continue;
      for (const match of this.buffer.slice(0, end).matchAll(/^data: (.*)$/gm))
        this.events.push(JSON.parse(match[1] ?? ""));
      this.buffer = this.buffer.slice(end + 2);
    }
    return this.events;
  }
}

const notice = (n: number, size = 0) =>
  ({ type: "notice", level: "info", message: `${n}:${"x".repeat(size)}` }) as const;

/** The notices' numbers in the order the viewer got them. */
const numbers = (events: SessionEvent[]) =>
  events.map((e) => (e.type === "notice" ? Number(e.message.split(":")[0]) : -1));

async function append(sessionId: string, from: number, to: number, size = 0): Promise<void> {
  for (let n = from; n <= to; n++) void appendEvent(sessionId, notice(n, size));
  await drainEvents(sessionId);
}

/**
 * Counts the bytes the stream encodes, that is queues for its viewer. A process-wide memory figure
 * is no measure here: it includes the database driver's buffers for the 24 MiB of inserts, and in
 * one CI run on PostgreSQL it still counted 33.7 MiB of them after a full GC.
 */
function countEncodedBytes(): { bytes: () => number; restore: () => void } {
  let total = 0;
  const encode = TextEncoder.prototype.encode;
  const encodeInto = TextEncoder.prototype.encodeInto;
  function counting(this: TextEncoder, text?: string): Uint8Array<ArrayBuffer> {
    const bytes = encode.call(this, text);
    total += bytes.byteLength;
    return bytes;
  }
  // live frames are encoded piece by piece into one buffer (frames.ts)
  function countingInto(this: TextEncoder, text: string, into: Uint8Array): TextEncoderEncodeIntoResult {
    const result = encodeInto.call(this, text, into);
    total += result.written;
    return result;
  }
  const spies = [
    vi.spyOn(TextEncoder.prototype, "encode").mockImplementation(counting),
    vi.spyOn(TextEncoder.prototype, "encodeInto").mockImplementation(countingInto),
  ];
  const restore = (): void => {
    for (const spy of spies) spy.mockRestore();
  };
  return { bytes: () => total, restore };
}

describe("session event stream", () => {
  it("replays a long session page by page, then goes live, each event once and in order", async () => {
    const { id } = await newSession();
    const stored = REPLAY_PAGE * 3 + 17;
    await append(id, 1, stored);
    const abort = new AbortController();
    const viewer = new Viewer(sessionEventStream(id, 0, abort.signal));
    await viewer.readUntil(REPLAY_PAGE + 1);
    // events written while the viewer is still in the replay
    await append(id, stored + 1, stored + 40);
    await viewer.readUntil(stored + 40);
    // and live ones
    await append(id, stored + 41, stored + 45);
    const events = await viewer.readUntil(stored + 45);
    expect(numbers(events)).toEqual(Array.from({ length: stored + 45 }, (_, i) => i + 1));
    expect(events.map((e) => e.seq)).toEqual(numbers(events));
    abort.abort();
  });

  it("resumes after a Last-Event-ID without repeating what the viewer had", async () => {
    const { id } = await newSession();
    await append(id, 1, 30);
    const abort = new AbortController();
    const events = await new Viewer(sessionEventStream(id, 12, abort.signal)).readUntil(18);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 18 }, (_, i) => i + 13));
    abort.abort();
  });

  it("holds at most its unread limit for a viewer that stops reading, then catches it up from the table", async () => {
    const { id } = await newSession();
    const abort = new AbortController();
    const viewer = new Viewer(sessionEventStream(id, 0, abort.signal));
    await append(id, 1, 1);
    await viewer.readUntil(1);

    // the viewer stops reading while 24 MiB of output arrives: the stream queues at most its
    // limit and one more frame for it
    const count = 3000;
    const size = 8 * 1024;
    const encoded = countEncodedBytes();
    await append(id, 2, count + 1, size);
    encoded.restore();
    expect(encoded.bytes()).toBeGreaterThan(UNREAD_LIMIT);
    expect(encoded.bytes()).toBeLessThan(UNREAD_LIMIT + 2 * size);

    // reading again, it gets every event once, in order, and then live ones
    await viewer.readUntil(count + 1);
    await append(id, count + 2, count + 3);
    const events = await viewer.readUntil(count + 3);
    expect(numbers(events)).toEqual(Array.from({ length: count + 3 }, (_, i) => i + 1));
    abort.abort();
  });

  it("reads a replay of large events in pages of about its unread limit, not 250 events at once", async () => {
    const { id } = await newSession();
    const size = 64 * 1024;
    await append(id, 1, 100, size);
    const encoded = countEncodedBytes();
    const abort = new AbortController();
    const viewer = new Viewer(sessionEventStream(id, 0, abort.signal));
    await viewer.readUntil(1);
    const queued = encoded.bytes();
    encoded.restore();
    const events = await viewer.readUntil(100);
    abort.abort();
    // a first page, and the next one the viewer's read made room for
    expect(queued).toBeLessThan(2 * (UNREAD_LIMIT + size));
    expect(numbers(events)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("encodes a live event once, however many viewers it goes to", async () => {
    const { id } = await newSession();
    await append(id, 1, 1);
    const aborts = [new AbortController(), new AbortController(), new AbortController()];
    const viewers = aborts.map((abort) => new Viewer(sessionEventStream(id, 0, abort.signal)));
    for (const viewer of viewers) await viewer.readUntil(1);
    const size = 256 * 1024;
    const encoded = countEncodedBytes();
    await append(id, 2, 2, size);
    const seen = [];
    for (const viewer of viewers) seen.push(numbers(await viewer.readUntil(2)));
    encoded.restore();
    for (const abort of aborts) abort.abort();
    expect(seen).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(encoded.bytes()).toBeGreaterThan(size);
    expect(encoded.bytes()).toBeLessThan(2 * size);
  });
});
