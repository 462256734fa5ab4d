import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Db, db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { createMessage, listMessages } from "@/lib/db/queries/messages";
import { findReflection } from "@/lib/db/queries/reflections";
import { createSession, findSession, setSessionStatus, startTurn } from "@/lib/db/queries/sessions";
import { queueReflection } from "@/lib/learning/reflection";
import { LEASE_LAPSED_NOTE, sweepHolder, sweepLapsedLeases } from "./sweeper";
import { otherInstanceClient } from "./test-support";

// Reflections would call the model configured for the whole test database; here it is enough to know one was queued.
vi.mock("@/lib/learning/reflection", () => ({ queueReflection: vi.fn(async () => {}) }));

let other: Db;
let closeOther: () => Promise<void>;
let workspace: string;

beforeAll(() => {
  ({ client: other, close: closeOther } = otherInstanceClient());
  workspace = mkdtempSync(path.join(os.tmpdir(), "ratchet-ws-"));
});

afterAll(() => closeOther());

/** A session mid-turn on an instance: a running turn and tool call, a lease expiring at `expires`. */
async function runningSession(expires: Date) {
  const session = await createSession({ title: "sweep", workspace, budgetUsd: null, model: "fake-model" });
  const turn = await startTurn(session.id);
  await createMessage({
    sessionId: session.id,
    turnId: turn.id,
    role: "assistant",
    parts: [
      { type: "tool", callId: "c1", tool: "run_command", input: { command: "sleep 600" }, state: "running" },
    ],
  });
  await setSessionStatus(session.id, "running");
  await db().session.update({
    where: { id: session.id },
    data: { leaseOwner: "dead-instance", leaseExpiresAt: expires },
  });
  return { id: session.id, turnId: turn.id };
}

describe("the lease sweeper", () => {
  it("interrupts a session whose instance stopped renewing, the way crash recovery does, and queues its reflection", async () => {
    const dead = await runningSession(new Date(Date.now() - 1000));
    const alive = await runningSession(new Date(Date.now() + 15_000));

    const swept = await sweepLapsedLeases();
    expect(swept).toContain(dead.id);
    expect(swept).not.toContain(alive.id);

    expect(await findSession(dead.id)).toMatchObject({
      status: "interrupted",
      statusNote: LEASE_LAPSED_NOTE,
      leaseOwner: null,
      leaseExpiresAt: null,
    });
    expect(await db().turn.findUnique({ where: { id: dead.turnId } })).toMatchObject({
      status: "interrupted",
    });
    const [message] = await listMessages(dead.id);
    expect(message?.parts[0]?.data).toMatchObject({ type: "tool", state: "error" });
    expect(await findReflection(dead.id)).toMatchObject({ trigger: "interrupted", status: "pending" });
    expect(queueReflection).toHaveBeenCalledWith(dead.id, "interrupted");
    const events = await listEventsAfter(dead.id, 0, 100);
    expect(events.map((e) => e.type)).toEqual(["turn-end", "status"]);
    expect(events[1]).toMatchObject({ status: "interrupted", note: LEASE_LAPSED_NOTE });

    expect(await findSession(alive.id)).toMatchObject({ status: "running", leaseOwner: "dead-instance" });
  });

  it("leaves sessions without a lease to boot recovery unless asked", async () => {
    const { id } = await runningSession(new Date(Date.now() - 1000));
    await db().session.update({ where: { id }, data: { leaseOwner: null, leaseExpiresAt: null } });
    expect(await sweepLapsedLeases()).not.toContain(id);
    expect((await findSession(id))?.status).toBe("running");
    await setSessionStatus(id, "idle");
  });

  it("handles each lapsed session once when two instances sweep at the same time", async () => {
    const sessions = await Promise.all(
      Array.from({ length: 5 }, () => runningSession(new Date(Date.now() - 1000))),
    );
    const ids = sessions.map((s) => s.id);
    const [mine, theirs] = await Promise.all([
      sweepLapsedLeases({ holder: sweepHolder() }),
      sweepLapsedLeases({ holder: { client: other, owner: "other-instance#sweep" } }),
    ]);
    const handled = [...mine, ...theirs].filter((id) => ids.includes(id));
    expect(handled.sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const events = await listEventsAfter(id, 0, 100);
      expect(events.filter((e) => e.type === "turn-end")).toHaveLength(1);
      expect((await findSession(id))?.status).toBe("interrupted");
    }
  });
});
