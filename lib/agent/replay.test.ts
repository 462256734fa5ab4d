/**
 * Real endpoints, replayed: recorded-style streams of each server family (e2e/fixtures/streams) sent
 * byte for byte by the scripted model server over HTTP, through the real turn, asserted on what the
 * turn stored. One family per fixture; what each shows is in the fixture's own comment.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeLLM, reply, startFakeLLM } from "@/e2e/support/fake-llm";
import { db } from "@/lib/db/client";
import { listEventsAfter } from "@/lib/db/queries/events";
import { listMessages } from "@/lib/db/queries/messages";
import { createSession } from "@/lib/db/queries/sessions";
import type { SessionEvent } from "@/lib/events/types";
import { DEFAULT_PERMISSIONS } from "@/lib/permissions/rules";
import { savePermissions } from "@/lib/permissions/settings";
import { type ModelSettings, saveModelSettings } from "@/lib/settings/model-config";
import { startTestSandbox } from "@/lib/testing/sandbox";
import { testWorkspace } from "@/lib/testing/workspace";
import { activeTurns } from "./active-turns";
import { CUT_NOTES } from "./history";
import { sendMessage } from "./runner";

let llm: FakeLLM;
let workspace: string;

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  await startTestSandbox();
  process.env.RATCHET_TOOLS_DIR = mkdtempSync(path.join(os.tmpdir(), "ratchet-tools-"));
  workspace = testWorkspace("replay-");
});

afterAll(() => llm.close());

beforeEach(() => llm.reset());

async function configure(settings: ModelSettings): Promise<void> {
  await saveModelSettings({
    baseUrl: llm.url,
    apiKey: "sk-replay-key-0123456789",
    model: "fake-model",
    api: "chat",
    provider: "auto",
    stepLimit: 10,
    fastModel: "",
    strongModel: "",
    ...settings,
  });
}

async function turn(text: string, sessionId?: string) {
  const id =
    sessionId ?? (await createSession({ title: "replay", workspace, budgetUsd: null, model: "m" })).id;
  const before = sessionId ? ((await listEventsAfter(id, 0, 10_000)).at(-1)?.seq ?? 0) : 0;
  await sendMessage(id, text);
  await activeTurns().get(id)?.done;
  return { id, events: await listEventsAfter(id, before, 10_000) };
}

const joined = (events: SessionEvent[], type: "text-delta" | "reasoning-delta") =>
  events.flatMap((e) => (e.type === type ? [e.text] : [])).join("");
const ofType = <T extends SessionEvent["type"]>(events: SessionEvent[], type: T) =>
  events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type);

describe("reasoning from every server family reaches the session, the transcript and the usage", () => {
  it.each([
    // family, fixture, api, reasoning, answer, [input, output, reasoning] tokens
    [
      "DeepSeek (reasoning_content)",
      "deepseek-reasoning",
      "chat",
      "The user wants the sum of two and two.",
      "Two plus two is four.",
      [412, 37, 22],
    ],
    [
      "xAI (reasoning_content)",
      "xai-reasoning",
      "chat",
      "Checking the arithmetic: 2 + 2 = 4.",
      "It is four.",
      [380, 45, 40],
    ],
    [
      "Groq (reasoning)",
      "groq-reasoning",
      "chat",
      "Simple addition; answer four.",
      "Four.",
      [301, 19, undefined],
    ],
    [
      "LM Studio (Responses reasoning_text)",
      "lmstudio-responses-reasoning",
      "responses",
      "User asks for a greeting.",
      "Hello from LM Studio.",
      [120, 24, 9],
    ],
  ] as const)("%s", async (_family, fixture, api, thought, answer, [input, output, reasoning]) => {
    await configure({ api });
    llm.enqueue(reply().replay(fixture).build());
    const { id, events } = await turn("what is 2+2?");
    expect(joined(events, "reasoning-delta")).toBe(thought);
    expect(joined(events, "text-delta")).toBe(answer);
    expect(ofType(events, "step-finish")).toMatchObject([{ inputTokens: input, outputTokens: output }]);
    // counted apart where the endpoint counts them (Groq does not)
    expect(ofType(events, "step-finish")[0]?.reasoningTokens).toBe(reasoning);
    expect(ofType(events, "turn-end")).toMatchObject([{ status: "completed" }]);
    expect(ofType(events, "error")).toEqual([]);
    const assistant = (await listMessages(id)).find((m) => m.role === "assistant");
    expect(assistant?.parts.map((p) => p.data)).toEqual([
      { type: "reasoning", text: thought },
      { type: "text", text: answer },
    ]);
  });
});

describe("tool calls from every server family run, with the reasoning sent back only inside the turn", () => {
  it.each([
    [
      "OpenAI chat (@ai-sdk/openai)",
      "openai",
      ["openai-chat-tool", "openai-chat-answer"],
      "hello-openai",
      "",
    ],
    [
      "Moonshot",
      "compatible",
      ["moonshot-tool", "moonshot-answer"],
      "hello-moonshot",
      "I should run a command to see the greeting.",
    ],
    ["vLLM", "compatible", ["vllm-tool", "vllm-answer"], "hello-vllm", "Run echo to check."],
    ["Ollama", "compatible", ["ollama-tool", "ollama-answer"], "hello-ollama", "Let me run it."],
  ] as const)("%s", async (_family, provider, [first, second], printed, thought) => {
    await configure({ provider });
    llm.enqueue(reply().replay(first).build(), reply().replay(second).build());
    const { id, events } = await turn("greet");
    expect(ofType(events, "tool-result")).toMatchObject([
      { tool: "run_command", state: "completed", exitCode: 0 },
    ]);
    expect(llm.requests[1]?.toolResults[0]?.output).toContain(printed);
    expect(joined(events, "text-delta")).toContain(printed);
    expect(joined(events, "reasoning-delta")).toContain(thought);
    expect(ofType(events, "step-finish")).toHaveLength(2);
    expect(ofType(events, "turn-end")).toMatchObject([{ status: "completed" }]);
    // thinking models that call tools want their reasoning back within the turn (DeepSeek, Kimi)...
    const within = JSON.stringify(llm.requests[1]?.body.messages ?? []);
    if (thought) expect(within).toContain(thought);
    // ...and never in a later turn, where it would only cost tokens (or be refused)
    llm.enqueue(reply().text("ok").build());
    await turn("again", id);
    const later = JSON.stringify(llm.requests[2]?.body ?? {});
    expect(later).toContain(printed);
    expect(later).not.toContain("reasoning_content");
    if (thought) expect(later).not.toContain(thought);
  });
});

describe("an answer the endpoint cut off is said to be cut, now and in the next turn", () => {
  it.each([
    [
      "llama.cpp, finish_reason length",
      "llamacpp-length",
      "chat",
      "length",
      "Here are the steps: one, two, thr",
    ],
    [
      "OpenAI Responses, incomplete: max_output_tokens",
      "openai-responses-length",
      "responses",
      "length",
      "1. alpha 2. beta 3. gam",
    ],
    [
      "finish_reason content_filter",
      "openai-chat-content-filter",
      "chat",
      "content-filter",
      "Here is how to",
    ],
  ] as const)("%s", async (_case, fixture, api, cut, text) => {
    await configure({ api });
    llm.enqueue(reply().replay(fixture).build());
    const { id, events } = await turn("list everything");
    expect(joined(events, "text-delta")).toBe(text);
    const notice = ofType(events, "notice").find((n) => n.level === "warn");
    expect(notice?.message).toMatch(cut === "length" ? /cut off.*output token limit/ : /content policy/);
    expect(ofType(events, "turn-end")).toMatchObject([{ status: "completed", cut }]);
    const assistant = (await listMessages(id)).find((m) => m.role === "assistant");
    expect(assistant?.parts.map((p) => p.data)).toContainEqual({ type: "text", text, cut });
    llm.enqueue(reply().text("continuing").build());
    await turn("go on", id);
    expect(JSON.stringify(llm.requests[1]?.body)).toContain(CUT_NOTES[cut].slice(0, 40));
  });
});

describe("errors are named by the endpoint's own code", () => {
  it.each([
    ["@ai-sdk/openai", "openai"],
    ["@ai-sdk/openai-compatible", "compatible"],
  ] as const)(
    "insufficient_quota in the middle of a 200 stream (%s) is a quota error, not a rate limit",
    async (_client, provider) => {
      await configure({ provider });
      llm.enqueue(reply().replay("openai-chat-quota").build());
      const { events } = await turn("hi");
      const errors = ofType(events, "error");
      expect(errors).toHaveLength(1);

      expect(errors[0]).toMatchObject({ code: "model_quota" });
      expect(errors[0]?.message).toMatch(/insufficient_quota, in the middle of its answer\): You exceeded/);
      expect(errors[0]?.message).not.toMatch(/429|rate limit/i);
      expect(ofType(events, "retry")).toEqual([]);
      expect(ofType(events, "turn-end")).toMatchObject([{ status: "error" }]);
    },
  );

  it("an HTTP 429 that says insufficient_quota is not retried: waiting does not refill an account", async () => {
    await configure({});
    const body = {
      error: {
        message: "You exceeded your current quota.",
        type: "insufficient_quota",
        code: "insufficient_quota",
      },
    };
    llm.enqueue(reply().httpError(429, body, { "retry-after-ms": "5" }).build());
    const { events } = await turn("hi");
    expect(llm.requests).toHaveLength(1);
    expect(ofType(events, "retry")).toEqual([]);
    expect(ofType(events, "error")).toMatchObject([{ code: "model_quota" }]);
    expect(ofType(events, "error")[0]?.message).toMatch(/insufficient_quota, HTTP 429/);
  });

  it.each([
    [
      400,
      {
        error: {
          message: "This model's maximum context length is 8192 tokens.",
          type: "invalid_request_error",
          code: "context_length_exceeded",
        },
      },
      "model_context_overflow",
    ],
    [529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "model_overloaded"],
  ] as const)("HTTP %i with its own code is said as it is", async (status, body, code) => {
    await configure({});
    for (let i = 0; i < 5; i++)
      llm.enqueue(reply().httpError(status, body, { "retry-after-ms": "1" }).build());
    const { events } = await turn("hi");
    expect(ofType(events, "error")).toMatchObject([{ code }]);
  });
});

describe("a context overflow the endpoint reports", () => {
  const overflow = {
    error: {
      message:
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9100 tokens.",
      type: "invalid_request_error",
      param: "messages",
      code: "context_length_exceeded",
    },
  };

  it("is compacted and sent once more, and the person is told", async () => {
    await configure({});
    llm.enqueue(reply().httpError(400, overflow).build(), reply().text("fits now").build());
    const { events } = await turn("hi");
    expect(llm.requests).toHaveLength(2);
    expect(ofType(events, "notice").map((n) => n.message)).toContainEqual(
      expect.stringMatching(/exceeds the model's context window; compacted it/),
    );
    expect(joined(events, "text-delta")).toBe("fits now");
    expect(ofType(events, "error")).toEqual([]);
    expect(ofType(events, "turn-end")).toMatchObject([{ status: "completed" }]);
  });

  it("a second overflow ends the turn with the error named, and no third request", async () => {
    await configure({});
    llm.enqueue(reply().httpError(400, overflow).build(), reply().httpError(400, overflow).build());
    const { events } = await turn("hi");
    expect(llm.requests).toHaveLength(2);
    expect(ofType(events, "error")).toMatchObject([{ code: "model_context_overflow" }]);
    expect(ofType(events, "error")[0]?.message).toMatch(/context_length_exceeded, HTTP 400/);
    expect(ofType(events, "turn-end")).toMatchObject([{ status: "error" }]);
  });
});

describe("a malformed stream line", () => {
  it.each(["openai", "compatible"] as const)(
    "fails that step once, keeps its usage, and ends the turn as error without another step (%s)",
    async (provider) => {
      await configure({ provider });
      llm.enqueue(reply().replay("openai-chat-malformed").build(), reply().text("a second step").build());
      const { id, events } = await turn("hi");

      expect(ofType(events, "error")).toMatchObject([{ code: "model_bad_response" }]);
      expect(llm.requests).toHaveLength(1);
      expect(joined(events, "text-delta")).toBe("Hello ");
      expect(ofType(events, "step-finish")).toMatchObject([{ inputTokens: 90, outputTokens: 9 }]);
      expect(ofType(events, "turn-end")).toMatchObject([{ status: "error" }]);
      const session = await db().session.findUnique({ where: { id } });
      expect(session).toMatchObject({ status: "idle", inputTokens: 90, outputTokens: 9 });
    },
  );
});

describe("the provider's native apply_patch (Responses API) runs as our apply_patch", () => {
  it("is offered to gpt-5.1, applies each operation in the sandbox, records apply_patch and answers with a status", async () => {
    writeFileSync(path.join(workspace, "native-greeting.txt"), "hello\n");
    rmSync(path.join(workspace, "native-new.txt"), { force: true });
    await configure({ api: "responses", model: "gpt-5.1" });
    llm.enqueue(
      reply().replay("openai-responses-apply-patch").build(),
      reply().text("Patched both.").build(),
    );
    const { id, events } = await turn("patch the greeting");

    const offered = JSON.stringify(llm.requests[0]?.body.tools ?? []);
    expect(offered).toContain('{"type":"apply_patch"}');
    expect(offered).not.toContain('"name":"apply_patch"');
    expect(readFileSync(path.join(workspace, "native-greeting.txt"), "utf8")).toBe(
      "hello from the native tool\n",
    );
    expect(readFileSync(path.join(workspace, "native-new.txt"), "utf8")).toBe("created natively\n");
    expect(ofType(events, "tool-result")).toMatchObject([
      { tool: "apply_patch", state: "completed" },
      { tool: "apply_patch", state: "completed" },
    ]);
    // the SDK runs a step's calls side by side: their events come in either order
    expect(
      ofType(events, "file-diff")
        .map((e) => [e.path, e.status])
        .sort(),
    ).toEqual([
      ["native-greeting.txt", "modified"],
      ["native-new.txt", "added"],
    ]);
    // the provider's own result shape went back: a status and our account of the change
    expect(llm.requests[1]?.toolResults.map((r) => r.output)).toEqual([
      expect.stringMatching(/^completed: Changed 1 file:\n {2}M native-greeting\.txt \(\+1 -1\)/),
      expect.stringMatching(/^completed: Changed 1 file:\n {2}A native-new\.txt \(\+1 -0\)/),
    ]);
    expect(ofType(events, "turn-end")).toMatchObject([{ status: "completed" }]);
    // stored as the function tool stores it: one name, our patch text
    const assistant = (await listMessages(id)).find((m) => m.role === "assistant");
    const tools = assistant?.parts.flatMap((p) => (p.data.type === "tool" ? [p.data] : [])) ?? [];
    expect(tools.map((t) => [t.tool, (t.input as { patch?: string }).patch?.split("\n")[1]]).sort()).toEqual([
      ["apply_patch", "*** Add File: native-new.txt"],
      ["apply_patch", "*** Update File: native-greeting.txt"],
    ]);

    // the next turn carries those calls in its history, which the provider must accept
    llm.enqueue(reply().text("ok").build());
    const next = await turn("and now?", id);
    expect(ofType(next.events, "turn-end")).toMatchObject([{ status: "completed" }]);
    expect(JSON.stringify(llm.requests[2]?.body.input)).toContain("apply_patch_earlier");
  });

  it("meets the same permission rules: a deny rule on apply_patch stops it, and the model reads failed", async () => {
    writeFileSync(path.join(workspace, "native-greeting.txt"), "hello\n");
    rmSync(path.join(workspace, "native-new.txt"), { force: true });
    await savePermissions({ ...DEFAULT_PERMISSIONS, rules: [{ tool: "apply_patch", action: "deny" }] });
    try {
      await configure({ api: "responses", model: "gpt-5.1" });
      llm.enqueue(reply().replay("openai-responses-apply-patch").build(), reply().text("Denied.").build());
      const { events } = await turn("patch the greeting");
      expect(readFileSync(path.join(workspace, "native-greeting.txt"), "utf8")).toBe("hello\n");
      expect(existsSync(path.join(workspace, "native-new.txt"))).toBe(false);
      expect(ofType(events, "tool-result")).toMatchObject([
        { tool: "apply_patch", state: "error" },
        { tool: "apply_patch", state: "error" },
      ]);
      for (const result of llm.requests[1]?.toolResults ?? []) expect(result.output).toMatch(/^failed: /);
    } finally {
      await savePermissions(DEFAULT_PERMISSIONS);
    }
  });

  it.each([
    ["Chat Completions, gpt-5.1", "chat", "gpt-5.1", ""],
    ["Responses, gpt-4.1", "responses", "gpt-4.1", ""],
    // a step may escalate to the strong model, which would not know the native tool
    ["Responses, gpt-5.1 with gpt-4.1 as the strong tier", "responses", "gpt-5.1", "gpt-4.1"],
  ] as const)("%s gets the function tool", async (_case, api, model, strongModel) => {
    await configure({ api, model, strongModel });
    llm.enqueue(reply().text("hi").build());
    await turn("hello");
    const offered = JSON.stringify(llm.requests[0]?.body.tools ?? []);
    expect(offered).toContain('"name":"apply_patch"');
    expect(offered).not.toContain('{"type":"apply_patch"}');
  });
});
