import { describe, expect, it } from "vitest";
import {
  addSessionUsage,
  countOpenSessionsByWorkspace,
  createSession,
  findRunningSessions,
  findSession,
  finishTurn,
  interruptRunningTurns,
  listSessions,
  setSessionStatus,
  startTurn,
} from "./sessions";

const newSession = () => createSession({ title: "t", workspace: "/tmp", budgetUsd: 1.5, model: "m" });

describe("session queries", () => {
  it("counts the sessions that have not ended, per workspace", async () => {
    const folder = `/srv/count-${Math.random().toString(36).slice(2)}`;
    const open = await createSession({ title: "a", workspace: folder, budgetUsd: null, model: "m" });
    await createSession({ title: "b", workspace: folder, budgetUsd: null, model: "m" });
    const ended = await createSession({ title: "c", workspace: folder, budgetUsd: null, model: "m" });
    await setSessionStatus(ended.id, "ended");
    await setSessionStatus(open.id, "interrupted");
    const counts = await countOpenSessionsByWorkspace();
    expect(counts.find((c) => c.workspace === folder)).toEqual({ workspace: folder, count: 2 });
  });

  it("creates a session with defaults and lists the most recently updated first", async () => {
    const first = await newSession();
    const second = await newSession();
    expect(first).toMatchObject({
      kind: "agent",
      status: "idle",
      inputTokens: 0,
      costUsd: 0,
      budgetUsd: 1.5,
    });
    await setSessionStatus(first.id, "running");
    const ids = (await listSessions()).map((s) => s.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    expect((await findRunningSessions()).map((s) => s.id)).toContain(first.id);
  });

  it("stamps endedAt when a session ends and adds usage atomically", async () => {
    const { id } = await newSession();
    await setSessionStatus(id, "ended", "done");
    await Promise.all([
      addSessionUsage(id, { inputTokens: 10, outputTokens: 5, costUsd: 0.25 }),
      addSessionUsage(id, { inputTokens: 1, outputTokens: 2, costUsd: 0.5 }),
    ]);
    const session = await findSession(id);
    expect(session).toMatchObject({ status: "ended", statusNote: "done", inputTokens: 11, outputTokens: 7 });
    expect(session?.costUsd).toBeCloseTo(0.75);
    expect(session?.endedAt).toBeInstanceOf(Date);
  });

  it("finishes turns and interrupts only the running ones", async () => {
    const { id } = await newSession();
    const done = await startTurn(id);
    await finishTurn(done.id, { status: "completed", steps: 3 });
    await startTurn(id);
    expect((await interruptRunningTurns(id)).count).toBe(1);
    expect(await findSession("missing")).toBeNull();
  });
});
