import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { SessionEvent } from "@/lib/events/types";
import { insertEvents, listEventsAfter, maxEventSeq } from "./events";
import { createLearningEvent, listLearningEvents } from "./learning-events";
import { createMessage, failRunningToolParts, listMessages, upsertPart } from "./messages";
import { forgetProcess, listProcesses, recordProcess } from "./processes";
import { createSession } from "./sessions";
import { readSetting, writeSettings } from "./settings";

const newSession = () => createSession({ title: "t", workspace: "/tmp", budgetUsd: null, model: "m" });

describe("event, message, setting and process queries", () => {
  it("stores events with their JSON payload and pages them by seq", async () => {
    const { id } = await newSession();
    expect(await maxEventSeq(id)).toBe(0);
    const events: SessionEvent[] = [
      { type: "text-delta", text: "héllo \u{1F600}", seq: 1, at: "2030-01-01T00:00:00.001Z" },
      {
        type: "tool-call",
        callId: "c",
        tool: "t",
        input: { n: [1, null, true] },
        summary: "s",
        seq: 2,
        at: "2030-01-01T00:00:00.002Z",
      },
    ];
    await insertEvents(id, events);
    expect(await maxEventSeq(id)).toBe(2);
    expect(await listEventsAfter(id, 0, 10)).toEqual(events);
    expect(await listEventsAfter(id, 1, 10)).toEqual([events[1]]);
    await expect(insertEvents(id, [events[0] as SessionEvent])).rejects.toThrow();
  });

  it("stores message parts in order and rewrites one in place", async () => {
    const { id } = await newSession();
    const message = await createMessage({
      sessionId: id,
      role: "assistant",
      parts: [
        { type: "text", text: "a" },
        { type: "tool", callId: "c1", tool: "run_command", input: { command: "ls" }, state: "running" },
      ],
    });
    await upsertPart(message.id, 2, { type: "reasoning", text: "r" });
    await failRunningToolParts(id, "The server stopped.");
    const [stored] = await listMessages(id);
    expect(stored?.parts.map((p) => p.data)).toEqual([
      { type: "text", text: "a" },
      {
        type: "tool",
        callId: "c1",
        tool: "run_command",
        input: { command: "ls" },
        state: "error",
        output: "The server stopped.",
      },
      { type: "reasoning", text: "r" },
    ]);
  });

  it("round-trips settings as JSON in one transaction", async () => {
    const key = `k_${Date.now()}`;
    await writeSettings({ [key]: { a: 1, b: ["x"], c: null }, [`${key}_n`]: 3.5 });
    await writeSettings({ [`${key}_n`]: false });
    expect(await readSetting(key, z.unknown())).toEqual({ a: 1, b: ["x"], c: null });
    expect(await readSetting(`${key}_n`, z.boolean())).toBe(false);
    expect(await readSetting(`${key}_missing`, z.unknown())).toBeUndefined();
  });

  it("records and forgets process groups and learning events", async () => {
    const { id } = await newSession();
    const marker = `m_${Date.now()}`;
    await recordProcess({ pgid: 2_000_000_000, marker, sessionId: id, turnId: null });
    expect((await listProcesses()).find((p) => p.marker === marker)?.pgid).toBe(2_000_000_000);
    await forgetProcess(marker);
    expect((await listProcesses()).some((p) => p.marker === marker)).toBe(false);
    const event = await createLearningEvent({
      sessionId: id,
      type: "preference",
      description: "d",
      context: null,
      source: "user",
    });
    expect((await listLearningEvents()).map((e) => e.id)).toContain(event.id);
  });
});
