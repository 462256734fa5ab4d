import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { listEventsAfter } from "@/lib/db/queries/events";
import { listMessages } from "@/lib/db/queries/messages";
import { createSession, findSession } from "@/lib/db/queries/sessions";
import { saveModelSettings } from "@/lib/settings/model-config";
import { openPrivateDatabase } from "@/lib/testing/private-database";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { activeTurns } from "../active-turns";
import { sendMessage } from "../runner";

// The model steps of a turn, driven by the scripted model server: when the loop sends another
// request, what it sends, and how it stops. Everything is real (database, sandbox, model server).

// a small context window and a step limit of 2 are model settings: other test files running
// meanwhile must not start their turns with them
const dropDatabase = await openPrivateDatabase();
afterAll(dropDatabase);

let llm: FakeLLM;
let workspace: string;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  workspace = testWorkspace("ws-");
});

afterAll(() => llm.close());

beforeEach(async () => {
  llm.reset();
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-test-steps-0123456789abcdef",
    model: "fake-model",
    api: "chat",
    stepLimit: 10,
    contextWindow: 128_000,
  });
});

async function runToEnd(sessionId: string, text: string) {
  await sendMessage(sessionId, text);
  await activeTurns().get(sessionId)?.done;
  return listEventsAfter(sessionId, 0, 10_000);
}

/** A step that prints 2,000 times the letter: about 500 tokens of tool output for the model. */
const printMany = (letter: string) =>
  reply()
    .tool("run_command", { command: `head -c 2000 /dev/zero | tr '\\0' ${letter}` })
    .build();

/** The tool results a model request carried, oldest first. */
const toolOutputs = (request: number) =>
  (llm.requests[request]?.messages ?? []).flatMap((m) => (m.role === "tool" ? [m.output] : []));

describe("the model steps of a turn", () => {
  it("trims the conversation before the next step once the turn's own output outgrows the window, and carries the trimmed form on", async () => {
    const { id } = await createSession({ title: "steps", workspace, budgetUsd: null, model: "fake-model" });
    llm.enqueue(printMany("a"), reply().text("one").build());
    await runToEnd(id, "first");
    llm.enqueue(printMany("b"), reply().text("two").build());
    await runToEnd(id, "second");

    // the smallest window: 1,024 tokens for the conversation, about 4 KB of it
    await saveModelSettings({ contextWindow: 1024 });
    llm.reset();
    llm.enqueue(printMany("c"), reply().text("three").build());
    const events = await runToEnd(id, "third");

    const [start, next] = [toolOutputs(0), toolOutputs(1)];
    // the turn's first request: the oldest output elided, enough for the rest to fit
    expect(start).toHaveLength(2);
    expect(start[0]).toContain("output elided");
    expect(start[1]).toContain("b".repeat(2000));
    // the second: this turn's output pushed the conversation over, so the next-oldest went too;
    // the current turn is never trimmed
    expect(next).toHaveLength(3);
    expect(next[0]).toContain("output elided");
    expect(next[1]).toContain("output elided");
    expect(next[1]).not.toContain("b".repeat(2000));
    expect(next[2]).toContain("c".repeat(2000));
    // the person is told once, when the turn starts; the transcript keeps everything
    const notices = events.filter((e) => e.type === "notice" && e.message.startsWith("Context trimmed"));
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(await listMessages(id))).toContain("b".repeat(2000));
    expect(events.filter((e) => e.type === "turn-end").at(-1)).toMatchObject({ status: "completed" });
  });

  it("stops at the step limit with a notice, without sending another request", async () => {
    await saveModelSettings({ stepLimit: 2 });
    const { id } = await createSession({ title: "limit", workspace, budgetUsd: null, model: "fake-model" });
    llm.enqueue(
      reply().tool("run_command", { command: "echo one" }).build(),
      reply().tool("run_command", { command: "echo two" }).build(),
      reply().text("never sent").build(),
    );
    const events = await runToEnd(id, "loop");
    expect(llm.requests).toHaveLength(2);
    expect(events.filter((e) => e.type === "tool-result")).toHaveLength(2);
    expect(events.find((e) => e.type === "notice" && e.level === "warn")).toMatchObject({
      message: "Stopped after the step limit of 2 steps. Send a message to continue.",
    });
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "completed" });
  });

  it("ends the turn with the model's error when a later step fails, keeping what the earlier steps did", async () => {
    const { id } = await createSession({ title: "fail", workspace, budgetUsd: null, model: "fake-model" });
    llm.enqueue(
      reply().tool("run_command", { command: "echo done-before" }).build(),
      reply().httpError(401).build(),
      reply().text("never sent").build(),
    );
    const events = await runToEnd(id, "go");
    expect(llm.requests).toHaveLength(2);
    expect(events.find((e) => e.type === "error")).toMatchObject({ code: "model_auth" });
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "error" });
    const [, assistant] = await listMessages(id);
    expect(assistant?.parts.map((p) => p.data)).toMatchObject([
      { type: "tool", tool: "run_command", state: "completed", exitCode: 0 },
    ]);
    expect((await findSession(id))?.status).toBe("idle");
  });
});
