import { describe, expect, it } from "vitest";
import { copyMessagesUpTo, createMessage, lastUserMessage, listMessages, supersedeFrom } from "./messages";
import {
  addSessionUsage,
  countOpenSessionsByWorkspace,
  createSession,
  findRunningSessions,
  findSession,
  finishTurn,
  interruptRunningTurns,
  listRecentWorkspaces,
  listSessions,
  setSessionArchived,
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

  it("searches titles and folders ignoring case, and keeps archived sessions apart", async () => {
    const tag = `Needle-${Math.random().toString(36).slice(2)}`;
    const named = await createSession({
      title: `Fix ${tag}`,
      workspace: "/srv/a",
      budgetUsd: null,
      model: "m",
    });
    const inFolder = await createSession({
      title: "x",
      workspace: `/srv/${tag}`,
      budgetUsd: null,
      model: "m",
    });
    const archived = await createSession({
      title: `Old ${tag}`,
      workspace: "/srv/b",
      budgetUsd: null,
      model: "m",
    });
    await setSessionArchived(archived.id, true);
    const ids = async (opts: { q?: string; archived?: boolean }) =>
      (await listSessions(opts)).map((s) => s.id);
    for (const q of [tag, tag.toLowerCase(), tag.toUpperCase(), ` ${tag} `])
      expect((await ids({ q })).sort(), q).toEqual([named.id, inFolder.id].sort());
    expect(await ids({ q: tag, archived: true })).toEqual([archived.id]);
    expect(await ids({ q: "%" })).not.toContain(archived.id);
    await setSessionArchived(archived.id, false);
    expect(await ids({ q: tag })).toContain(archived.id);
  });

  it("lists each recent agent folder once, the most recently active first", async () => {
    const tag = Math.random().toString(36).slice(2);
    await createSession({ title: "a", workspace: `/srv/r1-${tag}`, budgetUsd: null, model: "m" });
    await createSession({ title: "b", workspace: `/srv/r2-${tag}`, budgetUsd: null, model: "m" });
    await createSession({ title: "c", workspace: `/srv/r1-${tag}`, budgetUsd: null, model: "m" });
    const recent = (await listRecentWorkspaces(50)).filter((w) => w.endsWith(tag));
    expect(recent).toEqual([`/srv/r1-${tag}`, `/srv/r2-${tag}`]);
  });

  it("supersedes a message and what followed, and forks a conversation up to a message", async () => {
    const from = await newSession();
    const say = (role: "user" | "assistant", text: string) =>
      createMessage({ sessionId: from.id, role, parts: [{ type: "text", text }] });
    const q1 = await say("user", "q1");
    const a1 = await say("assistant", "a1");
    const q2 = await say("user", "q2");
    await say("assistant", "a2");
    const texts = async (id: string) =>
      (await listMessages(id)).map((m) => (m.parts[0]?.data.type === "text" ? m.parts[0].data.text : ""));
    expect((await lastUserMessage(from.id))?.id).toBe(q2.id);

    const fork = await newSession();
    expect(await copyMessagesUpTo(from.id, fork.id, a1.id)).toBe(2);
    expect(await texts(fork.id)).toEqual(["q1", "a1"]);
    expect(await copyMessagesUpTo(from.id, (await newSession()).id, "missing")).toBe(0);

    expect(await supersedeFrom(from.id, q2.id)).toBe(2);
    expect(await texts(from.id)).toEqual(["q1", "a1"]);
    expect((await lastUserMessage(from.id))?.id).toBe(q1.id);
    // a message of another session, or one already left out, marks nothing
    expect(await supersedeFrom(fork.id, q1.id)).toBe(0);
    expect(await supersedeFrom(from.id, q2.id)).toBe(0);
  });
});
