import { describe, expect, it } from "vitest";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createSession } from "@/lib/db/queries/sessions";
import { subscribe } from "./bus";
import { appendEvent, CACHED_LOGS, cachedLogCount, drainEvents } from "./log";
import type { SessionEvent } from "./types";

async function newSession() {
  return createSession({ title: "t", workspace: "/tmp", budgetUsd: null, model: "m" });
}

describe("event log", () => {
  it("assigns increasing seqs, persists before publishing, and replay equals what a live viewer saw", async () => {
    const { id } = await newSession();
    const live: SessionEvent[] = [];
    // the bus does not wait for a listener: its reads are waited for before the comparison
    const handled: Promise<void>[] = [];
    const unsubscribe = subscribe(id, (event) => {
      live.push(event);
      handled.push(
        listEventsAfter(id, event.seq - 1, 1).then((stored) => expect(stored[0]?.seq).toBe(event.seq)),
      );
    });
    await appendEvent(id, { type: "turn-start", turnId: "t1", model: "m" });
    await Promise.all(["a", "b", "c"].map((text) => appendEvent(id, { type: "text-delta", text })));
    await appendEvent(id, { type: "tool-call", callId: "c1", tool: "run_command", input: {}, summary: "ls" });
    await drainEvents(id);
    unsubscribe();
    await Promise.all(handled);
    const replay = await listEventsAfter(id, 0, 100);
    expect(replay.map((e) => e.seq)).toEqual(replay.map((_, i) => i + 1));
    const text = replay
      .filter((e) => e.type === "text-delta")
      .map((e) => (e.type === "text-delta" ? e.text : ""))
      .join("");
    expect(text).toBe("abc");
    expect(replay.map((e) => ({ ...e }))).toEqual(live.map((e) => ({ ...e })));
  });

  it("coalesces deltas appended while a write is pending", async () => {
    const { id } = await newSession();
    const writes = Array.from({ length: 50 }, (_, i) =>
      appendEvent(id, { type: "text-delta", text: `${i},` }),
    );
    await Promise.all(writes);
    const replay = await listEventsAfter(id, 0, 100);
    expect(replay.length).toBeLessThan(50);
    expect(replay.map((e) => (e.type === "text-delta" ? e.text : "")).join("")).toBe(
      Array.from({ length: 50 }, (_, i) => `${i},`).join(""),
    );
  });

  it("continues the sequence after existing events", async () => {
    const { id } = await newSession();
    await appendEvent(id, { type: "notice", level: "info", message: "one" });
    await appendEvent(id, { type: "notice", level: "info", message: "two" });
    const after = await listEventsAfter(id, 1, 10);
    expect(after.map((e) => e.seq)).toEqual([2]);
  });

  it("keeps a bounded number of sessions' logs, and an evicted session continues its sequence", async () => {
    const sessions = await Promise.all(Array.from({ length: CACHED_LOGS + 20 }, () => newSession()));
    for (const { id } of sessions) await appendEvent(id, { type: "notice", level: "info", message: "one" });
    expect(cachedLogCount()).toBeLessThanOrEqual(CACHED_LOGS);
    const first = sessions[0]?.id ?? "";
    await appendEvent(first, { type: "notice", level: "info", message: "two" });
    expect((await listEventsAfter(first, 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
  });
});
