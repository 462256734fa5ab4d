import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLLM, startFakeLLM } from "@/e2e/support/fake-llm";
import { activeTurns } from "@/lib/agent/active-turns";
import { endSession, resumeSession, sendMessage } from "@/lib/agent/runner";
import { db } from "@/lib/db/client";
import { listMessages } from "@/lib/db/queries/messages";
import { createSession, findSession, setSessionStatus } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { deleteSession, forkSession, openSession, titleFromTask, updateSession } from "./service";
import { sessionList, sessionView } from "./views";

let llm: FakeLLM;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  await saveModelSettings({ baseUrl: llm.url, apiKey: "sk-test-sessions-00000000000", model: "fake-model" });
});

afterAll(() => llm.close());

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

/** Sends a message and waits for its turn to end. */
async function turn(sessionId: string, text: string, replaces?: string): Promise<void> {
  await sendMessage(sessionId, text, { replaces });
  // the turn starts after the 202; its entry in activeTurns is set before sendMessage returns
  await activeTurns().get(sessionId)?.done;
}

async function session(title = "s") {
  return createSession({
    title,
    workspace: testWorkspace("sessions-"),
    budgetUsd: null,
    model: "fake-model",
  });
}

/** What the model was sent in its first request since the last reset, system prompt and tool results aside. */
const sentToModel = () =>
  (llm.requests[0]?.messages ?? []).flatMap((m) =>
    m.role === "user" || m.role === "assistant" ? [m.text] : [],
  );

const texts = async (id: string) =>
  (await listMessages(id)).map(
    (m) => `${m.role}: ${m.parts.map((p) => (p.data.type === "text" ? p.data.text : "")).join("")}`,
  );

describe("a new session's task", () => {
  it("gives the title: its first line that says something, cut at a word", () => {
    expect(titleFromTask("Fix the login bug")).toBe("Fix the login bug");
    expect(titleFromTask("\n\n   Add   a flag \nand more")).toBe("Add a flag");
    const long = `${"word ".repeat(30)}end`;
    expect(titleFromTask(long).length).toBeLessThanOrEqual(81);
    expect(titleFromTask(long).endsWith("word…")).toBe(true);
    expect(titleFromTask("   \n ")).toBe("");
  });

  it("names the session after the task unless a title is given", async () => {
    const workspace = testWorkspace("task-");
    expect((await openSession({ task: "Rename the export flag\nthen test", workspace })).title).toBe(
      "Rename the export flag",
    );
    expect((await openSession({ task: "do it", title: "Mine", workspace })).title).toBe("Mine");
  });
});

describe("edit and resend, retry", () => {
  it("leaves the replaced message and its answer out of what the model sees, and keeps them stored", async () => {
    const s = await session();
    await turn(s.id, "first");
    await turn(s.id, "second");
    const second = (await listMessages(s.id)).filter((m) => m.role === "user").at(-1);
    llm.reset();
    await turn(s.id, "second, edited", second?.id);
    expect(sentToModel()).toEqual(["first", "Echo: first", "second, edited"]);
    expect(await texts(s.id)).toEqual([
      "user: first",
      "assistant: Echo: first",
      "user: second, edited",
      "assistant: Echo: second, edited",
    ]);
    expect((await sessionView(s.id)).messages).toHaveLength(4);
    expect(await db().message.count({ where: { sessionId: s.id, supersededAt: { not: null } } })).toBe(2);
  });

  it("refuses to replace any message but the last one sent, and changes nothing", async () => {
    const s = await session();
    await turn(s.id, "one");
    await turn(s.id, "two");
    const [first] = (await listMessages(s.id)).filter((m) => m.role === "user");
    const before = await texts(s.id);
    for (const replaces of [first?.id ?? "", "not-a-message", (await listMessages(s.id)).at(-1)?.id ?? ""]) {
      expect((await refusal(sendMessage(s.id, "sneaky", { replaces }))).code).toBe("conflict");
    }
    const other = await session();
    await turn(other.id, "elsewhere");
    const foreign = (await listMessages(other.id))[0]?.id ?? "";
    expect((await refusal(sendMessage(s.id, "sneaky", { replaces: foreign }))).code).toBe("conflict");
    expect(await texts(s.id)).toEqual(before);
    expect(activeTurns().has(s.id)).toBe(false);
  });

  it("retries a turn that failed: the same message again, the failed answer left out", async () => {
    const s = await session();
    await turn(s.id, "[[fail: 400x1]] build it");
    const failed = await db().turn.findFirst({ where: { sessionId: s.id } });
    expect(failed?.status).toBe("error");
    const last = (await listMessages(s.id)).filter((m) => m.role === "user").at(-1);
    await turn(s.id, "[[fail: 400x1]] build it", last?.id);
    expect((await texts(s.id)).at(-1)).toBe("assistant: Echo: build it");
    expect((await texts(s.id)).filter((t) => t.startsWith("user:"))).toHaveLength(1);
  });
});

describe("resume, fork, archive, search, delete", () => {
  it("resumes an ended session so it takes messages again", async () => {
    const s = await session();
    await endSession(s.id);
    expect((await refusal(sendMessage(s.id, "hi"))).code).toBe("conflict");
    await resumeSession(s.id);
    expect((await findSession(s.id))?.status).toBe("idle");
    await turn(s.id, "hi again");
    expect((await texts(s.id)).at(-1)).toBe("assistant: Echo: hi again");
  });

  it("forks from a message: a new session with the conversation up to it; the original unchanged", async () => {
    const s = await session("original");
    await turn(s.id, "alpha");
    await turn(s.id, "beta");
    const original = await listMessages(s.id);
    const fork = await forkSession(s.id, original[1]?.id ?? "");
    expect(fork.forkedFrom).toBe(s.id);
    expect(fork.workspace).toBe(s.workspace);
    expect(await texts(fork.id)).toEqual(["user: alpha", "assistant: Echo: alpha"]);
    expect(await texts(s.id)).toHaveLength(4);
    llm.reset();
    await turn(fork.id, "gamma");
    expect(sentToModel()).toEqual(["alpha", "Echo: alpha", "gamma"]);
  });

  it("refuses to fork from a message not in the session, and creates nothing", async () => {
    const s = await session();
    await turn(s.id, "alpha");
    const other = await session();
    await turn(other.id, "other");
    const count = await db().session.count();
    for (const messageId of ["missing", (await listMessages(other.id))[0]?.id ?? ""])
      expect((await refusal(forkSession(s.id, messageId))).code).toBe("not_found");
    expect(await db().session.count()).toBe(count);
  });

  it("hides archived sessions from the list and finds sessions by title or folder", async () => {
    const tag = `needle-${Date.now()}`;
    const a = await session(`${tag} kept`);
    const b = await session(`${tag} archived`);
    await updateSession(b.id, { archived: true });
    const ids = async (opts: { q?: string; archived?: boolean }) =>
      (await sessionList(opts)).sessions.map((s) => s.id);
    expect(await ids({ q: tag })).toEqual([a.id]);
    expect(await ids({ q: tag.toUpperCase() })).toEqual([a.id]);
    expect(await ids({ q: tag, archived: true })).toEqual([b.id]);
    expect(await ids({})).not.toContain(b.id);
    expect(await ids({ q: a.workspace.split("/").at(-1) })).toEqual([a.id]);
    await updateSession(b.id, { archived: false });
    expect((await ids({ q: tag })).sort()).toEqual([a.id, b.id].sort());
  });

  it("deletes a session with what it holds, and refuses while a turn runs", async () => {
    const s = await session();
    await turn(s.id, "x");
    await setSessionStatus(s.id, "running");
    expect((await refusal(deleteSession(s.id))).code).toBe("conflict");
    await setSessionStatus(s.id, "idle");
    await deleteSession(s.id);
    expect(await findSession(s.id)).toBeNull();
    expect(await db().message.count({ where: { sessionId: s.id } })).toBe(0);
    expect((await refusal(deleteSession(s.id))).code).toBe("not_found");
  });
});
