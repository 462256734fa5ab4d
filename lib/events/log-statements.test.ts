import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import {
  EVENT_ROWS_PER_STATEMENT,
  insertEvents,
  listEventsAfter,
  SeqTakenError,
} from "@/lib/db/queries/events";
import { createSession } from "@/lib/db/queries/sessions";
import { recordStatements } from "@/lib/db/statements";
import { env } from "@/lib/env";
import { appendEvent, drainEvents } from "./log";
import type { SessionEvent } from "./types";

const newSession = () =>
  createSession({ title: "statements", workspace: "/tmp", budgetUsd: null, model: "m" });

const notices = (count: number, firstSeq: number): SessionEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    type: "notice",
    level: "info",
    message: `n${i}`,
    seq: firstSeq + i,
    at: new Date(1_700_000_000_000 + i).toISOString(),
  }));

describe("event log statements", () => {
  it("appends an event to a cached log as one statement: no transaction around it", async () => {
    const { id } = await newSession();
    await appendEvent(id, { type: "status", status: "running" });
    const sql = await recordStatements(() => appendEvent(id, { type: "status", status: "idle" }));
    // on PostgreSQL the other instances are told in a second statement (lib/events/fanout.ts)
    const notify = env().databaseProvider === "postgresql" ? [expect.stringContaining("pg_notify")] : [];
    expect(sql).toEqual([expect.stringMatching(/^INSERT INTO "Event"/), ...notify]);
  });

  it("stores what Prisma's own queries read back: the body as JSON, the time, the seq", async () => {
    const { id } = await newSession();
    const at = "2026-01-02T03:04:05.678Z";
    const body = {
      type: "notice",
      level: "warn",
      message: `quote ' " \\ \u2028 ünï 🙂 ${"x".repeat(70_000)}`,
    };
    await insertEvents(id, [{ ...body, seq: 1, at } as SessionEvent]);
    const [row] = await db().event.findMany({ where: { sessionId: id } });
    expect(row?.data).toEqual({ level: "warn", message: body.message });
    expect(row?.createdAt.toISOString()).toBe(at);
    expect(await listEventsAfter(id, 0, 10)).toEqual([{ ...body, seq: 1, at }]);
  });

  it("writes a batch larger than one statement takes, all of it in order", async () => {
    const { id } = await newSession();
    const count = EVENT_ROWS_PER_STATEMENT * 2 + 7;
    await insertEvents(id, notices(count, 1));
    const stored = await listEventsAfter(id, 0, count + 10);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored).toHaveLength(count);
  });

  it("writes none of a multi-statement batch when a later statement's seq is taken", async () => {
    const { id } = await newSession();
    const count = EVENT_ROWS_PER_STATEMENT + 10;
    // another instance wrote the seq the second statement of this batch needs
    await db().event.create({
      data: { sessionId: id, seq: count, type: "status", data: { status: "idle" } },
    });
    const error = await insertEvents(id, notices(count, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeqTakenError);
    expect(await db().event.count({ where: { sessionId: id } })).toBe(1);
  });

  it("recovers from another instance's write to the session: the next batch takes the next free seqs", async () => {
    const { id } = await newSession();
    await appendEvent(id, { type: "status", status: "running" });
    await db().event.createMany({
      data: [2, 3].map((seq) => ({ sessionId: id, seq, type: "status", data: { status: "idle" } })),
    });
    const appended = Array.from({ length: 5 }, (_, i) =>
      appendEvent(id, { type: "notice", level: "info", message: `after ${i}` }),
    );
    await Promise.all(appended);
    await drainEvents(id);
    const stored = await listEventsAfter(id, 0, 100);
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(stored.slice(3).map((e) => (e.type === "notice" ? e.message : ""))).toEqual(
      Array.from({ length: 5 }, (_, i) => `after ${i}`),
    );
  });
});
