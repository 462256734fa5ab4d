import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { findAsk, listPendingAsks } from "@/lib/db/queries/permission-asks";
import { createSession, setSessionStatus } from "@/lib/db/queries/sessions";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { EVENTS_CHANNEL, encodeNotice, stopListening } from "@/lib/events/fanout";
import { appendEvent } from "@/lib/events/log";
import type { SessionEventBody } from "@/lib/events/types";
import { answerAsk, type Permit, permit } from "./asks";
import { DEFAULT_PERMISSIONS, type PermissionSettings } from "./rules";
import { savePermissions } from "./settings";
import { asksView } from "./views";

let sessionId: string;
let events: SessionEventBody[];

async function useRules(change: Partial<PermissionSettings>): Promise<void> {
  await savePermissions({ ...DEFAULT_PERMISSIONS, ...change });
}

/** A `run_command` call through the permission check, its events kept and written to the log. */
function call(command: string, signal = new AbortController().signal): Promise<Permit> {
  const input = { command };
  return permit(
    {
      sessionId,
      turnId: "turn-1",
      callId: randomUUID(),
      tool: "run_command",
      input,
      shownInput: input,
      summary: command,
    },
    signal,
    async (body) => {
      events.push(body);
      await appendEvent(sessionId, body);
    },
  );
}

/** The ask the pending call opened, once it is in the database. */
async function pendingAsk() {
  let id = "";
  await vi.waitFor(async () => {
    const [ask] = await listPendingAsks(sessionId);
    expect(ask).toBeDefined();
    id = ask?.id ?? "";
  });
  return id;
}

/** A session in a turn, as asks only happen in one. */
async function runningSession(): Promise<string> {
  const { id } = await createSession({ title: "t", workspace: "/tmp", budgetUsd: null, model: "m" });
  await setSessionStatus(id, "running");
  return id;
}

beforeEach(async () => {
  sessionId = await runningSession();
  events = [];
  await useRules({});
});

describe("asks", () => {
  it("lets a call no rule names run at once, without an ask", async () => {
    expect(await call("git status")).toEqual({ ok: true });
    expect(events).toEqual([]);
  });

  it("refuses a call a deny rule names, telling the model which rule, without an ask", async () => {
    await useRules({ rules: [{ tool: "run_command", pattern: "git push", action: "deny" }] });
    const result = await call("cd x && git push");
    expect(result).toMatchObject({ ok: false, errorClass: "permission_denied" });
    expect(!result.ok && result.output).toMatch(/run_command: git push/);
    expect(await listPendingAsks(sessionId)).toEqual([]);
  });

  it("waits for a person: allow once lets the call run, and the ask shows in the session", async () => {
    const waiting = call("git push origin main");
    const askId = await pendingAsk();
    expect(events.find((e) => e.type === "ask-opened")).toMatchObject({
      askId,
      tool: "run_command",
      summary: "git push origin main",
      rule: "run_command: git push",
    });
    await answerAsk(sessionId, askId, { decision: "allow", by: "alice" });
    expect(await waiting).toEqual({ ok: true });
    expect((await findAsk(askId))?.status).toBe("allowed");
    // allow once: the next push asks again
    const again = call("git push");
    const second = await pendingAsk();
    expect(second).not.toBe(askId);
    await answerAsk(sessionId, second, { decision: "deny", by: "alice" });
    await again;
  });

  it("a deny's reason reaches the model", async () => {
    const waiting = call("git push");
    const askId = await pendingAsk();
    await answerAsk(sessionId, askId, { decision: "deny", reason: "push to a fork, not origin", by: "bob" });
    const result = await waiting;
    expect(result).toMatchObject({ ok: false, errorClass: "permission_denied" });
    expect(!result.ok && result.output).toContain("push to a fork, not origin");
    expect(!result.ok && result.output).toContain("bob");
  });

  it("an answered ask cannot be answered again (409), nor an unknown one (404)", async () => {
    const waiting = call("git push");
    const askId = await pendingAsk();
    await answerAsk(sessionId, askId, { decision: "allow", by: "alice" });
    await waiting;
    await expect(answerAsk(sessionId, askId, { decision: "deny", by: "eve" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(answerAsk(sessionId, "nope", { decision: "allow", by: "eve" })).rejects.toBeInstanceOf(
      ApiError,
    );
    // another session's ask is not found through this one
    const other = { id: await runningSession() };
    await expect(answerAsk(other.id, askId, { decision: "allow", by: "eve" })).rejects.toMatchObject({
      code: "not_found",
    });
    expect((await findAsk(askId))?.answeredBy).toBe("alice");
  });

  it("allow for this session is remembered for the rules that asked", async () => {
    const waiting = call("git push");
    await answerAsk(sessionId, await pendingAsk(), { decision: "allow_session", by: "alice" });
    expect(await waiting).toEqual({ ok: true });
    events = [];
    expect(await call("git -C sub push --tags")).toEqual({ ok: true });
    expect(events).toEqual([]);
    // another rule still asks
    const reset = call("git reset --hard");
    const askId = await pendingAsk();
    await answerAsk(sessionId, askId, { decision: "deny", by: "alice" });
    expect((await reset).ok).toBe(false);
  });

  it("an unanswered ask times out as a deny the model can read, and cannot be answered after", async () => {
    await useRules({ askTimeoutSeconds: 1 });
    const result = await call("git push");
    expect(result).toMatchObject({ ok: false, errorClass: "permission_denied" });
    expect(!result.ok && result.output).toMatch(/nobody answered within 1 second,/);
    const ended = events.find((e) => e.type === "ask-answered");
    expect(ended).toMatchObject({ decision: "timeout" });
    const askId = ended?.type === "ask-answered" ? ended.askId : "";
    expect((await findAsk(askId))?.status).toBe("timed_out");
    await expect(answerAsk(sessionId, askId, { decision: "allow", by: "late" })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("Stop ends a waiting ask as cancelled", async () => {
    const stop = new AbortController();
    const waiting = call("git push", stop.signal);
    const askId = await pendingAsk();
    stop.abort(new Error("stopped: user"));
    expect(await waiting).toMatchObject({ ok: false, errorClass: "cancelled" });
    expect((await findAsk(askId))?.status).toBe("cancelled");
    expect(events.at(-1)).toMatchObject({ type: "ask-answered", askId, decision: "cancelled" });
    await expect(answerAsk(sessionId, askId, { decision: "allow", by: "alice" })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("an ask left by a turn that is no longer running is not listed and cannot be answered", async () => {
    const stop = new AbortController();
    const waiting = call("git push", stop.signal);
    const askId = await pendingAsk();
    expect((await asksView(sessionId)).asks.map((a) => a.id)).toEqual([askId]);
    // the instance running the turn died: recovery marked the session interrupted
    await setSessionStatus(sessionId, "interrupted");
    expect((await asksView(sessionId)).asks).toEqual([]);
    await expect(answerAsk(sessionId, askId, { decision: "allow", by: "alice" })).rejects.toMatchObject({
      code: "conflict",
    });
    expect((await findAsk(askId))?.status).toBe("cancelled");
    stop.abort();
    expect((await waiting).ok).toBe(false);
  });

  it("several sessions wait at once, each released by its own answer", async () => {
    const first = sessionId;
    const a = call("git push");
    const askA = await pendingAsk();
    sessionId = await runningSession();
    const b = call("npm publish");
    const askB = await pendingAsk();
    await answerAsk(sessionId, askB, { decision: "deny", by: "alice" });
    expect((await b).ok).toBe(false);
    expect((await findAsk(askA))?.status).toBe("pending");
    await answerAsk(first, askA, { decision: "allow", by: "alice" });
    expect(await a).toEqual({ ok: true });
  });
});

/** Another instance answers: its own connection settles the row, writes the event and notifies. */
describe.skipIf(env().databaseProvider !== "postgresql")("asks across instances", () => {
  const other = new pg.Client({ connectionString: env().databaseUrl });
  beforeAll(() => other.connect());
  afterAll(async () => {
    await other.end();
    await stopListening();
  });

  it("an answer on another instance releases the wait here, through the events fanout", async () => {
    await useRules({ askTimeoutSeconds: 60 });
    const waiting = call("git push");
    const askId = await pendingAsk();
    await other.query(
      `UPDATE "PermissionAsk" SET "status" = 'allowed', "answeredBy" = 'remote', "answeredAt" = now() WHERE "id" = $1`,
      [askId],
    );
    const { rows } = await other.query<{ next: number }>(
      `SELECT COALESCE(MAX("seq"), 0) + 1 AS next FROM "Event" WHERE "sessionId" = $1`,
      [sessionId],
    );
    const seq = Number(rows[0]?.next);
    const data = { askId, callId: "c", decision: "allow", reason: null, by: "remote" };
    await other.query(
      `INSERT INTO "Event" ("id", "sessionId", "seq", "type", "data", "createdAt") VALUES ($1, $2, $3, 'ask-answered', $4, now())`,
      [randomUUID(), sessionId, seq, JSON.stringify(data)],
    );
    const started = Date.now();
    const notice = { instance: randomUUID(), sessionId, first: seq, last: seq };
    await other.query("SELECT pg_notify($1, $2)", [EVENTS_CHANNEL, encodeNotice(notice)]);
    expect(await waiting).toEqual({ ok: true });
    // the notice, not the few-second re-read of the row, released it
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
