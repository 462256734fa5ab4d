import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { frame as serverFrame, storedFrame } from "@/lib/events/frames";
import type { SessionEvent } from "@/lib/events/types";
import { openEventStream, type StreamState } from "./event-stream";

type Handler = (req: IncomingMessage, res: ServerResponse, after: number) => void;

interface Harness {
  url: (after: number) => string;
  requests: Array<{ after: number; at: number }>;
  close(): Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A real HTTP server whose n-th request (from 0) is answered by handlers[min(n, last)]. */
async function serve(...handlers: Handler[]): Promise<Harness> {
  const requests: Harness["requests"] = [];
  const server = createServer((req, res) => {
    const after = Number(new URL(req.url ?? "/", "http://x").searchParams.get("after"));
    requests.push({ after, at: performance.now() });
    const handler = handlers[Math.min(requests.length - 1, handlers.length - 1)];
    handler?.(req, res, after);
  });
  servers.push(server);
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (after) => `http://127.0.0.1:${port}/events?after=${after}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const event = (seq: number, text = `line ${seq}`) => ({
  seq,
  at: "2026-12-06T00:00:00.000Z",
  type: "text-delta",
  text,
});
const frame = (e: object) => `id: ${(e as { seq: number }).seq}\ndata: ${JSON.stringify(e)}\n\n`;

function sse(res: ServerResponse, body: Buffer | string, { end = true } = {}): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(body);
  if (end) res.end();
}

function collect(harness: Harness, retryMs = 20) {
  const events: SessionEvent[] = [];
  const states: StreamState[] = [];
  const lastSeq = { current: 0 };
  const waiters: Array<() => void> = [];
  const close = openEventStream({
    url: harness.url,
    lastSeq,
    retryMs,
    onEvent: (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    },
    onState: (s) => {
      states.push(s);
      for (const w of waiters.splice(0)) w();
    },
  });
  const until = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { events, states, lastSeq, close, until };
}

describe("openEventStream", () => {
  it("delivers every event once, in order, whole, however the bytes are split", async () => {
    const texts = [
      "plain",
      "é accents ü",
      "emoji 🦀 in the middle",
      "a\\nnewline escaped",
      "x".repeat(70_000),
    ];
    const body = Buffer.from(
      `retry: 20\n\n: ping\n\n${texts.map((text, i) => frame(event(i + 1, text))).join("")}`,
      "utf8",
    );
    // cut between every pair of bytes in turn, including inside a multi-byte character
    const cuts = [1, 7, 13, 23, 41, 59, 61, 62, 63, 90, 150, 151, 152, 153, 200, 4096, 70_000];
    const h = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let from = 0;
      for (const cut of cuts.filter((c) => c < body.length)) {
        res.write(body.subarray(from, cut));
        from = cut;
      }
      res.write(body.subarray(from));
    });
    const s = collect(h);
    await s.until(() => s.events.length === texts.length, "the events");
    s.close();
    expect(s.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(s.events.map((e) => (e as { text: string }).text)).toEqual(texts);
    expect(s.states).toEqual(["connecting", "live"]);
  });

  it("drops what is not a new event: old and repeated seqs, named events, bad JSON, no seq or not a row number", async () => {
    const h = await serve((_req, res) =>
      sse(
        res,
        [
          frame(event(2)),
          frame(event(1)),
          frame(event(2)),
          'event: other\ndata: {"seq":9,"type":"text-delta"}\n\n',
          "data: {not json\n\n",
          'data: {"type":"text-delta"}\n\n',
          'data: {"seq":"7","type":"text-delta"}\n\n',
          'data: {"seq":2.5,"type":"text-delta"}\n\n',
          'data: {"seq":-4,"type":"text-delta"}\n\n',
          'data: {"seq":1e300,"type":"text-delta"}\n\n',
          "data: 5\n\n",
          'data: {"seq":3}\n\n',
          frame(event(3)),
        ].join(""),
        { end: false },
      ),
    );
    const s = collect(h);
    await s.until(() => s.events.some((e) => e.seq === 3), "seq 3");
    s.close();
    expect(s.events.map((e) => e.seq)).toEqual([2, 3]);
  });

  it("reopens an ended stream from the last seq after the server's retry, without repeating events", async () => {
    const h = await serve(
      (_req, res) => sse(res, `retry: 30\n\n${frame(event(1))}${frame(event(2))}`),
      // the server replays from `after`, and a repeated event is dropped anyway
      (_req, res, after) => sse(res, `${frame(event(after))}${frame(event(after + 1))}`, { end: false }),
    );
    const s = collect(h, 5000);
    await s.until(() => s.events.length === 3, "the third event");
    s.close();
    expect(s.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(h.requests.map((r) => r.after)).toEqual([0, 2]);
    expect(s.states).toEqual(["connecting", "live", "reconnecting", "live"]);
    // the server's 30 ms, not the 5 s the stream was opened with
    expect((h.requests[1]?.at ?? 0) - (h.requests[0]?.at ?? 0)).toBeLessThan(2000);
  });

  it("backs off, doubling, while the stream is refused, then resumes where it was", async () => {
    const refuse: Handler = (_req, res) => {
      res.writeHead(503).end("down");
    };
    const h = await serve(
      (_req, res) => sse(res, frame(event(1))),
      refuse,
      refuse,
      refuse,
      (_req, res, after) => sse(res, frame(event(after + 1)), { end: false }),
    );
    const s = collect(h, 40);
    await s.until(() => s.events.length === 2, "the event after the refusals");
    s.close();
    expect(h.requests.map((r) => r.after)).toEqual([0, 1, 1, 1, 1]);
    const gaps = h.requests.slice(1).map((r, i) => r.at - (h.requests[i]?.at ?? 0));
    // live → retry (40), then refused: 40, 80, 160
    expect(gaps[2]).toBeGreaterThanOrEqual(75);
    expect(gaps[3]).toBeGreaterThanOrEqual(150);
    expect(gaps[3] ?? 0).toBeGreaterThan((gaps[1] ?? 0) * 1.5);
    expect(s.states.filter((x) => x === "live")).toHaveLength(2);
  });

  it("reconnects when the connection drops mid-event, and the half event is not delivered", async () => {
    const h = await serve(
      (req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`${frame(event(1))}data: {"seq":2,"type":"text-de`);
        setTimeout(() => req.socket.destroy(), 20);
      },
      (_req, res, after) => sse(res, frame(event(after + 1)), { end: false }),
    );
    const s = collect(h);
    await s.until(() => s.events.length === 2, "the event after the drop");
    s.close();
    expect(s.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(h.requests.map((r) => r.after)).toEqual([0, 1]);
  });

  it("goes on after a handler that throws: the error is reported, the stream kept", async () => {
    const h = await serve((_req, res) => sse(res, `${frame(event(1))}${frame(event(2))}`, { end: false }));
    const reported = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen: number[] = [];
    const states: StreamState[] = [];
    const close = openEventStream({
      url: h.url,
      lastSeq: { current: 0 },
      onEvent: (e) => {
        seen.push(e.seq);
        if (e.seq === 1) throw new Error("a rendering bug");
      },
      onState: (s) => states.push(s),
    });
    try {
      await expect.poll(() => seen).toEqual([1, 2]);
      expect(reported).toHaveBeenCalledWith(new Error("a rendering bug"));
      expect(states).toEqual(["connecting", "live"]);
      expect(h.requests).toHaveLength(1);
    } finally {
      close();
      reported.mockRestore();
    }
  });

  it("takes hostile command output framed by the server as the text it was, never as frames or fields", async () => {
    const hostile = [
      '\n\ndata: {"seq":99,"at":"x","type":"status","status":"ended"}\n\n',
      "\r\rid: 500\rretry: 0\r",
      "event: other\n:comment\n\nretry: 1\n\n",
      "\u2028\u2029\u0085\u0000\ud800 lone surrogate",
      "\n".repeat(100_000),
    ];
    const events = hostile.map(
      (chunk, i): SessionEvent => ({
        seq: i + 1,
        at: "2026-12-06T00:00:00.000Z",
        type: "tool-output",
        callId: "c1",
        chunk,
      }),
    );
    // both ways the server frames an event: serialized, and from the row's stored JSON
    const bytes = Buffer.concat(
      events.map((e, i) => {
        const { seq: _seq, at: _at, type: _type, ...fields } = e;
        return i % 2 === 0 ? serverFrame(e) : storedFrame(e, JSON.stringify(fields));
      }),
    );
    const h = await serve((_req, res) => sse(res, bytes, { end: false }));
    const s = collect(h, 5000);
    await s.until(() => s.events.length === events.length, "every hostile event");
    s.close();
    // no frame was forged in between (they would have come in the same read), and none reopened the stream
    expect(s.events).toEqual(events);
    expect(h.requests).toHaveLength(1);
    expect(s.states).toEqual(["connecting", "live"]);
  });

  it("once closed, delivers nothing more and never reconnects, mid-stream or while waiting to retry", async () => {
    const open: { write?: (text: string) => void } = {};
    const h = await serve(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(frame(event(1)));
        open.write = (text) => res.write(text);
      },
      (_req, res) => sse(res, frame(event(10)), { end: false }),
    );
    const live = collect(h);
    await live.until(() => live.events.length === 1, "the first event");
    live.close();
    open.write?.(frame(event(2)));
    const refused = await serve((_req, res) => {
      res.writeHead(500).end();
    });
    const waiting = collect(refused, 30);
    await waiting.until(() => waiting.states.includes("reconnecting"), "the first refusal");
    waiting.close();
    // longer than both retry waits: nothing may happen in it
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(live.events.map((e) => e.seq)).toEqual([1]);
    expect(h.requests).toHaveLength(1);
    expect(refused.requests).toHaveLength(1);
    expect(waiting.states).toEqual(["connecting", "reconnecting"]);
  });
});
