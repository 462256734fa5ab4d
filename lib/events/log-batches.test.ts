import { describe, expect, it, vi } from "vitest";
import * as events from "@/lib/db/queries/events";
import { createSession } from "@/lib/db/queries/sessions";
import { subscribe } from "./bus";
import { appendEvent, BATCH_CHARS, drainEvents, MAX_EVENT_CHARS } from "./log";
import type { SessionEvent } from "./types";

// the real queries, counted: what each write carried
vi.mock("@/lib/db/queries/events", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/db/queries/events")>();
  return { ...actual, insertEvents: vi.fn(actual.insertEvents) };
});

const newSession = () => createSession({ title: "batches", workspace: "/tmp", budgetUsd: null, model: "m" });

const chunkOf = (event: SessionEvent) => (event.type === "tool-output" ? event.chunk : "");

describe("event log under a firehose", () => {
  it("writes a command's flood of output in bounded batches of bounded events, all of it, in order", async () => {
    const { id } = await newSession();
    const insert = vi.mocked(events.insertEvents);
    insert.mockClear();
    // 6 MiB in pipe-sized reads, appended without waiting, as run_command's output callback does
    const reads = Array.from(
      { length: 96 },
      (_, i) => `${String(i).padStart(4, "0")}${"y\n".repeat(32 * 1024 - 2)}`,
    );
    const appended = reads.map((chunk) => appendEvent(id, { type: "tool-output", callId: "c1", chunk }));
    await Promise.all(appended);

    const written = insert.mock.calls.filter(([sessionId]) => sessionId === id).map(([, batch]) => batch);
    expect(written.length).toBeGreaterThan(1);
    for (const batch of written) {
      const chars = batch.reduce((sum, event) => sum + chunkOf(event).length, 0);
      expect(chars).toBeLessThanOrEqual(BATCH_CHARS);
      for (const event of batch) expect(chunkOf(event).length).toBeLessThanOrEqual(MAX_EVENT_CHARS);
    }

    const stored = await events.listEventsAfter(id, 0, 10_000);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.map(chunkOf).join("")).toBe(reads.join(""));
  });

  it("resolves each append once its own event is stored and published, not before", async () => {
    const { id } = await newSession();
    const published = new Set<string>();
    const unsubscribe = subscribe(id, (event) => {
      if (event.type === "notice") published.add(event.message);
    });
    const checks: Promise<void>[] = [];
    for (let n = 0; n < 40; n++) {
      const message = `${n}:${"x".repeat(100 * 1024)}`;
      checks.push(
        appendEvent(id, { type: "notice", level: "info", message }).then(async () => {
          expect(published.has(message)).toBe(true);
          const stored = await events.listEventsAfter(id, 0, 100);
          expect(stored.some((e) => e.type === "notice" && e.message === message)).toBe(true);
        }),
      );
    }
    await Promise.all(checks);
    await drainEvents(id);
    unsubscribe();
    // 4 MiB of notices took several writes
    expect(
      vi.mocked(events.insertEvents).mock.calls.filter(([sessionId]) => sessionId === id).length,
    ).toBeGreaterThan(2);
  });

  it("fails the appends of a batch that could not be written, and writes the next ones", async () => {
    const { id } = await newSession();
    const insert = vi.mocked(events.insertEvents);
    insert.mockRejectedValueOnce(new Error("SQLITE_IOERR: disk I/O error"));
    const first = appendEvent(id, { type: "notice", level: "info", message: "lost" });
    await expect(first).rejects.toThrow("disk I/O error");
    await appendEvent(id, { type: "notice", level: "info", message: "kept" });
    const stored = await events.listEventsAfter(id, 0, 10);
    expect(stored.map((e) => (e.type === "notice" ? e.message : ""))).toEqual(["kept"]);
    expect(stored[0]?.seq).toBe(1);
  });
});
