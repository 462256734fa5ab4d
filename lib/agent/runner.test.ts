import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { listMessages } from "@/lib/db/queries/messages";
import { listModelRequests } from "@/lib/db/queries/model-requests";
import { listProcesses } from "@/lib/db/queries/processes";
import { createSession, findSession } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { subscribe } from "@/lib/events/bus";
import type { SessionEvent } from "@/lib/events/types";
import { isGroupAlive } from "@/lib/sandbox";
import { saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { activeTurns } from "./active-turns";
import { cancelTurn, sendMessage } from "./runner";

const API_KEY = "sk-test-abcdefghijklmnopqrstuvwxyz";
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
    apiKey: API_KEY,
    model: "fake-model",
    api: "chat",
    stepLimit: 10,
    // no tiers: another file (runner-tiers.test.ts) may have saved some in the shared database
    fastModel: "",
    strongModel: "",
  });
});

function closedPort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

async function newSession(budgetUsd: number | null = null) {
  return createSession({ title: "test", workspace, budgetUsd, model: "fake-model" });
}

async function runToEnd(sessionId: string, text: string) {
  await sendMessage(sessionId, text);
  await activeTurns().get(sessionId)?.done;
  return listEventsAfter(sessionId, 0, 10_000);
}

const types = (events: SessionEvent[]) =>
  events.map((e) => e.type).filter((t) => t !== "text-delta" && t !== "tool-output");

describe("agent runner", () => {
  it("runs a command through the model's tool call, streams it, stores parts and telemetry", async () => {
    const { id } = await newSession();
    llm.enqueue(
      reply()
        .tool("run_command", { command: "printf '\\033[31mred\\033[0m\\n'; echo out; exit 3" })
        .usage(100, 20)
        .build(),
      reply().text("The command failed with exit 3.").usage(150, 10).build(),
    );
    const events = await runToEnd(id, "run it");
    expect(types(events)).toEqual([
      "user-message",
      "status",
      "turn-start",
      // the workspace as the turn found it, recorded before the first tool runs
      "checkpoint",
      "tool-call",
      "tool-result",
      "step-finish",
      "usage",
      "step-finish",
      "usage",
      "turn-end",
      "status",
    ]);
    const output = events.flatMap((e) => (e.type === "tool-output" ? [e.chunk] : [])).join("");
    expect(output).toContain("\u001b[31mred\u001b[0m");
    const result = events.find((e) => e.type === "tool-result");
    expect(result).toMatchObject({ state: "completed", exitCode: 3, ok: false, tool: "run_command" });
    expect(events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("")).toBe(
      "The command failed with exit 3.",
    );

    // The model saw the exit code and the output without ANSI codes.
    const toolMessage = llm.requests[1]?.toolResults[0]?.output ?? "";
    expect(toolMessage).toContain("exit code 3");
    expect(toolMessage).toContain("red\nout");
    expect(toolMessage).not.toContain("\u001b[");

    const [user, assistant] = await listMessages(id);
    expect(user?.parts[0]?.data).toMatchObject({ type: "text", text: "run it" });
    expect(assistant?.parts.map((p) => p.data)).toMatchObject([
      { type: "tool", tool: "run_command", state: "completed", exitCode: 3 },
      { type: "text", text: "The command failed with exit 3." },
    ]);
    const session = await findSession(id);
    expect(session).toMatchObject({ status: "idle", inputTokens: 250, outputTokens: 30 });
    const calls = await db().toolCall.findMany({ where: { sessionId: id } });
    expect(calls).toMatchObject([
      { tool: "run_command", ok: true, exitCode: 3, errorClass: "command_failed" },
    ]);
    expect(await listProcesses()).toEqual([]);
    await expect
      .poll(async () =>
        (await db().modelStep.findMany({ where: { sessionId: id }, orderBy: { step: "asc" } })).map((s) => [
          s.step,
          s.model,
          s.inputTokens,
          s.outputTokens,
        ]),
      )
      .toEqual([
        [1, "fake-model", 100, 20],
        [2, "fake-model", 150, 10],
      ]);
  });

  it("builds a tool with propose_tool and calls it in the same turn", async () => {
    const { id } = await newSession();
    const source = [
      'export const description = "Counts the words in a text.";',
      'export const schema = { type: "object", properties: { text: { type: "string" } }, required: ["text"], additionalProperties: false };',
      'export const capabilities = { filesystem: "none" };',
      'export const examples = [{ args: { text: "a b c" }, expect: { ok: true, result: 3 } }];',
      "export async function run({ text }) { return { ok: true, result: text.split(/\\s+/).filter(Boolean).length }; }",
    ].join("\n");
    llm.enqueue(
      reply()
        .tool("propose_tool", { name: "count_words", source, reason: "counting by hand is slow" })
        .build(),
      reply().tool("count_words", { text: "one two three four" }).build(),
      reply().tool("count_words", { txt: "wrong argument" }).build(),
      reply().text("four words").build(),
    );
    const events = await runToEnd(id, "count the words");
    const results = events.flatMap((e) => (e.type === "tool-result" ? [e] : []));
    expect(results.map((r) => [r.tool, r.state])).toEqual([
      ["propose_tool", "completed"],
      ["count_words", "completed"],
      ["count_words", "error"],
    ]);
    expect(llm.requests[1]?.toolResults[0]?.output).toContain("Validation passed");
    const tools = (body: Record<string, unknown>) =>
      ((body.tools as Array<{ function?: { name: string } }>) ?? []).map((t) => t.function?.name);
    expect(tools(llm.requests[0]?.body ?? {})).not.toContain("count_words");
    expect(tools(llm.requests[1]?.body ?? {})).toContain("count_words");
    expect(llm.requests[2]?.toolResults[0]?.output).toBe("4");
    expect(llm.requests[3]?.toolResults[0]?.output).toMatch(/missing required property .*text/);
    const calls = await db().toolCall.findMany({ where: { sessionId: id, tool: "count_words" } });
    expect(calls.map((c) => [c.toolVersion, c.ok])).toEqual(
      expect.arrayContaining([
        ["v1", true],
        ["v1", false],
      ]),
    );
  });

  it("a tool that throws: its message and the line of its own file, masked, reach the event, the call row and the friction", async () => {
    const { id } = await newSession();
    const source = [
      'export const description = "Reads a setting.";',
      'export const schema = { type: "object", properties: { key: { type: "string" } }, required: ["key"], additionalProperties: false };',
      'export const examples = [{ args: { key: "a" }, expect: { ok: true, result: "a" } }];',
      "function check(key) {",
      '  if (key.length > 1) throw new RangeError("no such setting: " + key);',
      "  return key;",
      "}",
      "export async function run({ key }) { return { ok: true, result: check(key) }; }",
    ].join("\n");
    llm.enqueue(
      reply().tool("propose_tool", { name: "read_setting", source, reason: "settings by hand" }).build(),
      reply()
        .tool("read_setting", { key: `api ${API_KEY}` })
        .build(),
      reply().text("it threw").build(),
    );
    const events = await runToEnd(id, "read it");
    const result = events.findLast((e) => e.type === "tool-result");
    const expected = ["RangeError: no such setting: api «masked»", "  at check (read_setting.mjs:5:29)"];
    expect(result).toMatchObject({ tool: "read_setting", ok: false, summary: "threw" });
    expect(result?.type === "tool-result" && result.error?.split("\n").slice(0, 2)).toEqual(expected);
    await expect
      .poll(
        async () =>
          (await db().toolCall.findFirst({ where: { sessionId: id, tool: "read_setting" } }))?.errorMessage,
      )
      .toMatch(/^RangeError: no such setting: api «masked»\n {2}at check \(read_setting\.mjs:5:29\)/);
    const frictions = events.flatMap((e) => (e.type === "friction" ? [e] : []));
    expect(frictions.map((f) => f.detail)).toEqual([
      expect.stringMatching(
        /^read_setting failed as a tool: RangeError: no such setting: api «masked» at check \(read_setting\.mjs:5:29\)/,
      ),
    ]);
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });

  it("notices a command failing twice and nudges the very next model request", async () => {
    const { id } = await newSession();
    llm.enqueue(
      reply().tool("run_command", { command: "ls missing-dir" }).build(),
      reply().tool("run_command", { command: "ls missing-dir" }).build(),
      reply().text("it is missing").build(),
    );
    const events = await runToEnd(id, "list it");
    const frictions = events.flatMap((e) => (e.type === "friction" ? [e] : []));
    expect(frictions.map((f) => f.kind)).toEqual(["repeated_failure"]);
    const systemOf = (i: number) => llm.requests[i]?.messages.find((m) => m.role === "system");
    const system = (i: number) => {
      const m = systemOf(i);
      return m && "text" in m ? m.text : "";
    };
    expect(system(1)).not.toContain("Friction just now");
    expect(system(2)).toContain("Friction just now");
    expect(system(2)).toContain("ls missing-dir");
    expect(system(2)).toContain("propose_tool");
    const rows = await db().friction.findMany({ where: { sessionId: id } });
    expect(rows).toMatchObject([{ kind: "repeated_failure", outcome: "none" }]);
  });

  it("records a user's correction as a learning event and tells the model at once", async () => {
    const { id } = await newSession();
    llm.enqueue(
      reply().tool("run_command", { command: "echo npm install" }).build(),
      reply().text("ok").build(),
    );
    await runToEnd(id, "install the deps");
    llm.enqueue(reply().text("using pnpm").build());
    const events = await runToEnd(id, "no, use pnpm");
    expect(events.some((e) => e.type === "learning" && e.learningType === "correction")).toBe(true);
    const learning = await db().learningEvent.findFirst({ where: { sessionId: id, source: "detector" } });
    expect(learning).toMatchObject({ type: "correction" });
    expect(learning?.context).toContain("run_command");
    const system = llm.requests.at(-1)?.messages.find((m) => m.role === "system");
    expect(system && "text" in system ? system.text : "").toContain("the user corrected you");
  });

  it("sends the whole conversation on the next turn", async () => {
    const { id } = await newSession();
    llm.enqueue(reply().text("first answer").build());
    await runToEnd(id, "first question");
    llm.enqueue(reply().text("second answer").build());
    await runToEnd(id, "second question");
    const last = llm.requests.at(-1);
    expect(last?.messages.filter((m) => m.role !== "system").map((m) => ("text" in m ? m.text : ""))).toEqual(
      ["first question", "first answer", "second question"],
    );
  });

  it("accepts a message sent the moment the last turn reports its end", async () => {
    const { id } = await newSession();
    llm.enqueue(reply().text("first").build(), reply().text("second").build());
    // sent from the turn-end event itself: the session is idle in the database, but the turn is
    // still telling viewers and releasing the session; the message waits for that, it does not 409
    const second = new Promise<unknown>((resolve) => {
      const off = subscribe(id, (e) => {
        if (e.type === "turn-end") {
          off();
          expect(activeTurns().get(id)?.finishing).toBe(true);
          sendMessage(id, "two").then(resolve, resolve);
        }
      });
    });
    await sendMessage(id, "one");
    expect(await second).toMatchObject({ turnId: expect.any(String) });
    await activeTurns().get(id)?.done;
    const ends = (await listEventsAfter(id, 0, 1000)).filter((e) => e.type === "turn-end");
    expect(ends.map((e) => e.type === "turn-end" && e.status)).toEqual(["completed", "completed"]);
  });

  it("refuses a second message while a turn runs, and cancel kills the command's process group", async () => {
    const { id } = await newSession();
    llm.enqueue(reply().tool("run_command", { command: "sleep 600" }).build(), reply().text("never").build());
    const spawned = new Promise<void>((resolve) => {
      const off = subscribe(id, (e) => {
        if (e.type === "tool-call") {
          off();
          resolve();
        }
      });
    });
    await sendMessage(id, "sleep");
    await expect(sendMessage(id, "again")).rejects.toThrow(ApiError);
    await spawned;
    await expect.poll(async () => (await listProcesses()).length).toBe(1);
    const [proc] = await listProcesses();
    expect(await cancelTurn(id)).toBe(true);
    // gone means no live member: orphaned zombies wait for PID 1 to reap them
    await expect.poll(() => isGroupAlive(proc?.pgid ?? 0), { timeout: 3000 }).toBe(false);
    const events = await listEventsAfter(id, 0, 1000);
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "cancelled" });
    expect(events.find((e) => e.type === "tool-result")).toMatchObject({
      state: "error",
      summary: "cancelled",
    });
    expect((await findSession(id))?.status).toBe("idle");
  });

  it("retries a 429 and shows the retry in the session", async () => {
    const { id } = await newSession();
    llm.enqueue(
      reply().httpError(429, undefined, { "retry-after-ms": "10" }).build(),
      reply().text("after retry").build(),
    );
    const events = await runToEnd(id, "hi");
    expect(events.find((e) => e.type === "retry")).toMatchObject({ attempt: 1 });
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "completed" });
  });

  it("keeps a session's model client between turns: each turn gets its own requests and retries, a new key is masked at once", async () => {
    const { id } = await newSession();
    llm.enqueue(reply().text("one").build());
    await runToEnd(id, "first");
    llm.enqueue(
      reply().httpError(429, undefined, { "retry-after-ms": "10" }).build(),
      reply().text("two").build(),
    );
    await runToEnd(id, "second");
    const events = await listEventsAfter(id, 0, 10_000);
    const turns = events.filter((e) => e.type === "turn-start").map((e) => e.turnId);
    expect(turns).toHaveLength(2);
    // the retry is shown in the second turn, after its start
    const at = (predicate: (e: SessionEvent) => boolean) => events.findIndex(predicate);
    expect(at((e) => e.type === "retry")).toBeGreaterThan(
      at((e) => e.type === "turn-start" && e.turnId === turns[1]),
    );
    await expect
      .poll(async () => (await listModelRequests(id)).map((r) => r.turnId))
      .toEqual([turns[0], turns[1]]);
    // a key that no token pattern knows: masked only because it is the key now configured
    const newKey = "plainkey-0123456789-abcdefghijklmnop";
    await saveModelSettings({ apiKey: newKey });
    llm.enqueue(reply().text("three").build());
    await runToEnd(id, `my key is ${newKey}`);
    const sent = JSON.stringify(llm.requests.at(-1)?.body);
    expect(sent).toContain("my key is");
    expect(sent).not.toContain(newKey);
  });

  it("reports a rejected API key as a clear error, without crashing", async () => {
    const { id } = await newSession();
    await saveModelSettings({ apiKey: "bad-key" });
    const events = await runToEnd(id, "hi");
    expect(events.find((e) => e.type === "error")).toMatchObject({ code: "model_auth" });
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "error" });
  });

  it("reports an unknown model and a refused connection", async () => {
    const { id } = await newSession();
    await saveModelSettings({ model: "missing-model" });
    let events = await runToEnd(id, "hi");
    expect(events.find((e) => e.type === "error")).toMatchObject({ code: "model_not_found" });
    await saveModelSettings({ model: "fake-model", baseUrl: `http://127.0.0.1:${await closedPort()}/v1` });
    const second = await newSession();
    events = await runToEnd(second.id, "hi");
    expect(events.find((e) => e.type === "error")).toMatchObject({ code: "model_unreachable" });
  }, 60_000);

  it("records a call with invalid input and lets the model continue", async () => {
    const { id } = await newSession();
    llm.enqueue(reply().tool("run_command", { cmd: "ls" }).build(), reply().text("fixed").build());
    const events = await runToEnd(id, "go");
    expect(events.find((e) => e.type === "tool-result")).toMatchObject({
      state: "error",
      tool: "run_command",
    });
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "completed" });
    const calls = await db().toolCall.findMany({ where: { sessionId: id } });
    expect(calls).toMatchObject([{ ok: false, errorClass: "tool_error" }]);
  });

  it("masks the API key and token-looking strings everywhere", async () => {
    const { id } = await newSession();
    llm.enqueue(
      reply()
        .tool("run_command", { command: `echo key=${API_KEY} gh=ghp_abcdefghijklmnopqrstuvwxyz0123` })
        .build(),
      reply().text("ok").build(),
    );
    const events = await runToEnd(id, "leak");
    const stored = JSON.stringify(events) + JSON.stringify(await listMessages(id));
    expect(stored).not.toContain(API_KEY);
    expect(stored).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123");
    expect(llm.requests[1]?.toolResults[0]?.output).not.toContain(API_KEY);
  });

  it("masks the key in the model's reasoning as in its answer", async () => {
    const { id } = await newSession();
    await saveModelSettings({ api: "responses", model: "fake-reasoning-model" });
    try {
      llm.enqueue(reply().reasoning(`thinking about ${API_KEY} now`).text(`the key is ${API_KEY}`).build());
      const events = await runToEnd(id, "think");
      const reasoning = events.filter((e) => e.type === "reasoning-delta");
      expect(reasoning.length).toBeGreaterThan(0);
      expect(JSON.stringify(events)).not.toContain(API_KEY);
      expect(reasoning.map((e) => (e.type === "reasoning-delta" ? e.text : "")).join("")).toContain(
        "«masked»",
      );
    } finally {
      await saveModelSettings({ api: "chat", model: "fake-model" });
    }
  });

  it("speaks the Responses API when configured", async () => {
    const { id } = await newSession();
    await saveModelSettings({ api: "responses" });
    llm.enqueue(
      reply().tool("run_command", { command: "echo via-responses" }).build(),
      reply().text("done").build(),
    );
    const events = await runToEnd(id, "go");
    expect(llm.requests.map((r) => r.api)).toEqual(["responses", "responses"]);
    expect(events.find((e) => e.type === "tool-result")).toMatchObject({ state: "completed", exitCode: 0 });
    expect(llm.requests[1]?.toolResults[0]?.output).toContain("via-responses");
    expect(events.find((e) => e.type === "turn-end")).toMatchObject({ status: "completed" });
  });

  it("reports a malformed stream and a dropped connection as errors a person can read", async () => {
    const { id } = await newSession();
    llm.enqueue(reply().malformed().build());
    let events = await runToEnd(id, "one");
    const malformed = events.find((e) => e.type === "error");
    expect(malformed).toMatchObject({ type: "error" });
    expect(malformed?.type === "error" && malformed.message).toMatch(/could not read|failed/i);
    llm.enqueue(reply().text("partial answer").drop().build());
    events = await runToEnd(id, "two");
    expect(events.filter((e) => e.type === "turn-end").at(-1)).toMatchObject({ status: "error" });
    expect((await findSession(id))?.status).toBe("idle");
  });

  it("stops at the session budget", async () => {
    await db().setting.upsert({
      where: { key: "prices" },
      create: { key: "prices", value: [{ model: "fake-model", inputPerMTok: 1_000_000, outputPerMTok: 0 }] },
      update: { value: [{ model: "fake-model", inputPerMTok: 1_000_000, outputPerMTok: 0 }] },
    });
    try {
      const { id } = await newSession(0.5);
      llm.enqueue(
        reply().tool("run_command", { command: "true" }).usage(1, 1).build(),
        reply().text("more").usage(1, 1).build(),
      );
      const events = await runToEnd(id, "spend");
      expect(events.find((e) => e.type === "error")).toMatchObject({ code: "budget_exhausted" });
      await expect(sendMessage(id, "again")).rejects.toThrow(/budget/);
    } finally {
      await db().setting.delete({ where: { key: "prices" } });
    }
  });
});
