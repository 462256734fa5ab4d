import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSession } from "@/lib/db/queries/sessions";
import { env } from "@/lib/env";
import { subscribe } from "./bus";
import { EVENTS_CHANNEL, encodeNotice, listenForEvents, stopListening } from "./fanout";
import { appendEvent, drainEvents } from "./log";
import { sessionEventStream } from "./sse";
import type { SessionEvent } from "./types";

/**
 * "Another instance": its own connection writes a session's events to the table and sends the
 * NOTIFY, as that instance's event log would. This instance listens on a second connection.
 */
class OtherInstance {
  private readonly client = new pg.Client({ connectionString: env().databaseUrl });
  private readonly instance = randomUUID();

  connect() {
    return this.client.connect();
  }

  close() {
    return this.client.end();
  }

  async write(sessionId: string, seqs: number[], text: (seq: number) => string): Promise<void> {
    for (const seq of seqs) {
      await this.client.query(
        `INSERT INTO "Event" ("id", "sessionId", "seq", "type", "data", "createdAt") VALUES ($1, $2, $3, 'text-delta', $4, now())`,
        [randomUUID(), sessionId, seq, JSON.stringify({ text: text(seq) })],
      );
    }
    const notice = { instance: this.instance, sessionId, first: seqs[0] ?? 0, last: seqs.at(-1) ?? 0 };
    await this.client.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, encodeNotice(notice)]);
  }
}

const newSession = () => createSession({ title: "t", workspace: "/tmp", budgetUsd: null, model: "m" });

async function readFrames(stream: ReadableStream<Uint8Array>, count: number): Promise<SessionEvent[]> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: SessionEvent[] = [];
  let buffer = "";
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (const match of buffer.matchAll(/^data: (.*)$/gm)) events.push(JSON.parse(match[1] ?? ""));
    buffer = buffer.slice(buffer.lastIndexOf("\n\n") + 2);
  }
  reader.releaseLock();
  return events;
}

describe.skipIf(env().databaseProvider !== "postgresql")("events across instances (LISTEN/NOTIFY)", () => {
  const other = new OtherInstance();

  beforeAll(async () => {
    await other.connect();
    await listenForEvents();
  });

  afterAll(async () => {
    await other.close();
    await stopListening();
  });

  it("publishes another instance's events to this instance's viewers, read from the table", async () => {
    const { id } = await newSession();
    const seen: SessionEvent[] = [];
    const unsubscribe = subscribe(id, (event) => seen.push(event));
    await other.write(id, [1, 2], (seq) => `a${seq}`);
    await other.write(id, [3], (seq) => `a${seq}`);
    await vi.waitFor(() => expect(seen.map((e) => e.seq)).toEqual([1, 2, 3]));
    expect(seen.map((e) => (e.type === "text-delta" ? e.text : ""))).toEqual(["a1", "a2", "a3"]);
    unsubscribe();
  });

  it("streams them live over SSE after the replay, without gaps or repeats", async () => {
    const { id } = await newSession();
    await other.write(id, [1, 2], (seq) => `b${seq}`);
    const abort = new AbortController();
    const stream = sessionEventStream(id, 0, abort.signal);
    const frames = readFrames(stream, 5);
    await other.write(id, [3, 4], (seq) => `b${seq}`);
    await other.write(id, [5], (seq) => `b${seq}`);
    expect((await frames).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    abort.abort();
  });

  it("ignores its own notices: a local viewer sees each local event once", async () => {
    const { id } = await newSession();
    const seen: number[] = [];
    const unsubscribe = subscribe(id, (event) => seen.push(event.seq));
    for (const text of ["x", "y", "z"]) {
      await appendEvent(id, { type: "notice", level: "info", message: text });
    }
    await drainEvents(id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual([1, 2, 3]);
    unsubscribe();
  });
});
