import { Session } from "node:inspector/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EVENT_COLUMNS, eventData, listEventsAfter, listStreamedEventsAfter } from "@/lib/db/queries/events";
import { writeRows } from "@/lib/db/queries/insert-rows";
import { createSession } from "@/lib/db/queries/sessions";
import { subscribe } from "./bus";
import { frame, rememberWritten, sharedFrame, storedFrame } from "./frames";
import { appendEvent, drainEvents } from "./log";
import type { SessionEvent, SessionEventBody } from "./types";

const decoder = new TextDecoder();
const at = "2026-12-06T12:00:00.000Z";

/** Command output and model text as hostile as it comes: quotes, escapes, controls, line breaks. */
const HOSTILE = [
  "",
  "plain",
  'quote " backslash \\ slash / </script>',
  "lines\nand\r\nreturns\rtabs\t",
  '\n\ndata: {"seq":1,"type":"notice"}\n\nid: 99\n\n',
  "\u0000\u0001\u001b[31mred\u001b[0m\u007f",
  "\u2028\u2029 unicode é ✓ 🦀 \ud800 lone surrogate \udfff",
  "y\n".repeat(40_000),
];

const BODIES: SessionEventBody[] = HOSTILE.flatMap((text): SessionEventBody[] => [
  { type: "tool-output", callId: "c1", chunk: text },
  { type: "text-delta", text },
  { type: "notice", level: "warn", message: text },
  {
    type: "tool-call",
    callId: "c2",
    tool: "run_command",
    input: { command: text, n: [1, null] },
    summary: text,
  },
]);

function liveEvent(body: SessionEventBody, seq: number): SessionEvent {
  return { ...body, seq, at } as SessionEvent;
}

/** The `id:` line and the parsed `data:` line of one frame; throws on anything else in it. */
function parseFrame(bytes: Uint8Array): { id: string; data: unknown } {
  const text = decoder.decode(bytes);
  const match = /^id: (\d+)\ndata: ([^\n\r]*)\n\n$/.exec(text);
  if (!match?.[1] || match[2] === undefined)
    throw new Error(`not one frame: ${JSON.stringify(text.slice(0, 200))}`);
  return { id: match[1], data: JSON.parse(match[2]) };
}

interface SampleNode {
  selfSize: number;
  children: SampleNode[];
}

function totalSize(node: SampleNode): number {
  return node.children.reduce((sum, child) => sum + totalSize(child), node.selfSize);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("event-stream frames", () => {
  it("gives a live event made from its row's JSON the same frame as serializing the event", () => {
    BODIES.forEach((body, i) => {
      const event = liveEvent(body, i + 1);
      rememberWritten(event, eventData(event));
      const live = parseFrame(sharedFrame(event));
      const serialized = parseFrame(frame(event));
      expect(live).toEqual(serialized);
      expect(live.data).toEqual(event);
    });
  });

  it("does not serialize a live event again once its row's JSON is known", () => {
    const event = liveEvent({ type: "tool-output", callId: "c1", chunk: "y\n".repeat(32 * 1024) }, 7);
    rememberWritten(event, eventData(event));
    const stringify = vi.spyOn(JSON, "stringify");
    const bytes = sharedFrame(event);
    const objects = stringify.mock.calls.filter(([value]) => typeof value === "object" && value !== null);
    expect(objects).toEqual([]);
    expect(parseFrame(bytes).data).toEqual(event);
    // made once, whatever number of viewers it goes to
    expect(sharedFrame(event)).toBe(bytes);
  });

  it("serializes an event whose row's JSON it was not given", () => {
    const event = liveEvent({ type: "text-delta", text: "hello" }, 3);
    expect(parseFrame(sharedFrame(event))).toEqual({ id: "3", data: event });
  });

  it("allocates little on the JS heap per byte of a flood's output it streams live", async () => {
    const { id } = await createSession({ title: "frames", workspace: "/tmp", budgetUsd: null, model: "m" });
    let streamed = 0;
    const unsubscribe = subscribe(id, (event) => {
      streamed += sharedFrame(event).byteLength;
    });
    const read = "y\n".repeat(32 * 1024);
    const flood = async (reads: number) => {
      for (let i = 0; i < reads; i++)
        void appendEvent(id, { type: "tool-output", callId: "c1", chunk: read });
      await drainEvents(id);
    };
    await flood(16); // the driver, the log and the JIT warm
    const profiler = new Session();
    profiler.connect();
    await profiler.post("HeapProfiler.startSampling", {
      samplingInterval: 16 * 1024,
      includeObjectsCollectedByMinorGC: true,
      includeObjectsCollectedByMajorGC: true,
    });
    const output = 128 * read.length; // 8 MiB, in pipe-sized reads
    await flood(128);
    const { profile } = await profiler.post("HeapProfiler.stopSampling");
    profiler.disconnect();
    unsubscribe();
    const allocated = totalSize(profile.head);
    expect(streamed).toBeGreaterThan(output);
    // the row's JSON (1.5 bytes a byte of "y\n") and its flat copy the driver binds; serializing
    // each frame again and flattening it to encode it cost 3 bytes more
    expect(allocated / output).toBeLessThan(4.5);
  });

  it("replays a row's text as it is only when it says exactly what the checked event says", async () => {
    const { id } = await createSession({ title: "replay", workspace: "/tmp", budgetUsd: null, model: "m" });
    // rows written past the app (by hand, by another version, by anyone with the database file)
    const ROWS: [type: string, data: string, usable: "yes" | "no" | "either"][] = [
      [
        "tool-output",
        eventData(liveEvent({ type: "tool-output", callId: "c1", chunk: HOSTILE[4] ?? "" }, 0)),
        "yes",
      ],
      ["text-delta", JSON.stringify({ text: "hi", html: "<script>" }), "no"],
      ["text-delta", JSON.stringify({ text: "hi", seq: 999 }), "no"],
      ["text-delta", JSON.stringify({ text: "hi", at: "2001-01-01T00:00:00.000Z" }), "no"],
      ["text-delta", JSON.stringify({ text: "hi", type: "notice" }), "no"],
      ["text-delta", '{"text":"hi","__proto__":{"x":1}}', "no"],
      ["text-delta", JSON.stringify({ text: 5 }), "no"],
      ["run-this", JSON.stringify({ command: "rm -rf /" }), "no"],
      [
        "tool-call",
        JSON.stringify({ callId: "c", tool: "t", input: { a: [1, { b: null }] }, summary: "s" }),
        "yes",
      ],
      // PostgreSQL keeps jsonb without this whitespace; SQLite keeps the text, which would end the frame early
      ["text-delta", '{"text":\n"data: {}"}\r\n', "either"],
    ];
    await writeRows({
      table: "Event",
      columns: EVENT_COLUMNS,
      rows: ROWS.map(([type, data], i) => [`row-${id}-${i}`, id, i + 1, type, data, new Date(at)]),
    });
    const checked = await listEventsAfter(id, 0, 100);
    const streamed = await listStreamedEventsAfter(id, 0, 100);
    expect(streamed.map((s) => s.event)).toEqual(checked);
    streamed.forEach(({ event, data }, i) => {
      const usable = ROWS[i]?.[2];
      if (usable !== "either") expect(data !== null).toBe(usable === "yes");
      expect(parseFrame(storedFrame(event, data))).toEqual({ id: String(i + 1), data: event });
    });
  });
});
