import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, generateText, isStepCount, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeLLM, type FakeRequest, parseDirectives, reply, startFakeLLM } from "./fake-llm";

let llm: FakeLLM;

beforeEach(async () => {
  llm = await startFakeLLM();
});

afterEach(async () => {
  await llm.close();
});

const API_KINDS = ["chat", "responses"] as const;
type ApiKind = (typeof API_KINDS)[number];

function modelFor(api: ApiKind, opts: { apiKey?: string; modelId?: string } = {}) {
  const openai = createOpenAI({ baseURL: llm.url, apiKey: opts.apiKey ?? "test-key" });
  const id = opts.modelId ?? "fake-model";
  return api === "chat" ? openai.chat(id) : openai.responses(id);
}

function commandTool(log: string[] = []) {
  return tool({
    description: "Run a shell command",
    inputSchema: z.object({ command: z.string() }),
    execute: async ({ command }) => {
      log.push(command);
      return `output of ${command}`;
    },
  });
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const parts: T[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

const ignoreErrors = () => {};

describe.each(API_KINDS)("AI SDK against fake-llm (%s API)", (api) => {
  it("round-trips a tool call: the tool runs and the second step yields the final text", async () => {
    const result = streamText({
      model: modelFor(api),
      tools: { run_command: commandTool() },
      stopWhen: isStepCount(5),
      prompt: "[[cmd: echo hi]]",
    });
    const parts = await collect(result.fullStream);

    const toolCall = parts.find((p) => p.type === "tool-call");
    expect(toolCall).toMatchObject({ toolName: "run_command", input: { command: "echo hi" } });
    expect(parts.filter((p) => p.type === "tool-input-delta").length).toBeGreaterThanOrEqual(2);
    expect(parts.find((p) => p.type === "tool-result")).toMatchObject({ output: "output of echo hi" });
    expect(await result.text).toBe("Ran it. Output: output of echo hi");
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests.every((r) => r.api === api && r.stream)).toBe(true);
    expect(llm.requests[1]?.toolResults).toEqual([
      { callId: toolCall?.toolCallId, output: expect.stringContaining("output of echo hi") },
    ]);
  });

  it("runs several [[cmd]] directives one per step with non-streaming generateText", async () => {
    const ran: string[] = [];
    const result = await generateText({
      model: modelFor(api),
      tools: { run_command: commandTool(ran) },
      stopWhen: isStepCount(5),
      instructions: "You are a test agent.",
      prompt: "do it [[cmd: first]] [[cmd: second]]",
    });

    expect(ran).toEqual(["first", "second"]);
    expect(result.steps).toHaveLength(3);
    expect(result.text).toBe("Ran it. Output: output of second");
    expect(llm.requests.map((r) => r.stream)).toEqual([false, false, false]);
    expect(llm.requests[0]?.messages[0]).toEqual({ role: "system", text: "You are a test agent." });
    expect(llm.requests[2]?.lastUserText).toBe("do it [[cmd: first]] [[cmd: second]]");
  });

  it("reports usage in finish-step parts", async () => {
    llm.enqueue(reply().text("usage check").usage(12, 34).build());
    const parts = await collect(streamText({ model: modelFor(api), prompt: "hi" }).fullStream);

    const finishStep = parts.find((p) => p.type === "finish-step");
    expect(finishStep?.usage).toMatchObject({ inputTokens: 12, outputTokens: 34, totalTokens: 46 });
    expect(finishStep?.finishReason).toBe("stop");
  });

  it("streams text as multiple deltas", async () => {
    llm.enqueue(reply().text("one two three four five").build());
    const parts = await collect(streamText({ model: modelFor(api), prompt: "hi" }).fullStream);

    const deltas = parts.flatMap((p) => (p.type === "text-delta" ? [p.text] : []));
    expect(deltas.length).toBeGreaterThanOrEqual(5);
    expect(deltas.join("")).toBe("one two three four five");
  });

  it("streams [[slow: N]] as exactly N deltas", async () => {
    const result = streamText({ model: modelFor(api), prompt: "[[slow: 4]] [[text: abcdefgh]]" });
    const parts = await collect(result.fullStream);

    expect(parts.flatMap((p) => (p.type === "text-delta" ? [p.text] : []))).toEqual(["ab", "cd", "ef", "gh"]);
  });

  it("retries a 429 once (default maxRetries) and then succeeds", async () => {
    const result = streamText({
      model: modelFor(api),
      prompt: "[[fail: 429x1]] hello",
      onError: ignoreErrors,
    });

    expect(await result.text).toBe("Echo: hello");
    expect(llm.requests).toHaveLength(2);
  });

  it.each([
    ["a bad API key", { apiKey: "bad-key" }, "hi"],
    ["the [[fail: 401]] directive", {}, "[[fail: 401]]"],
  ])("surfaces 401 from %s as an APICallError", async (_label, opts, prompt) => {
    const error = await rejection(generateText({ model: modelFor(api, opts), prompt }));

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect(llm.requests).toHaveLength(1);
  });

  it("surfaces an unknown model as a 404 APICallError", async () => {
    const error = await rejection(
      generateText({ model: modelFor(api, { modelId: "missing-model" }), prompt: "hi" }),
    );

    expect(error).toMatchObject({ statusCode: 404, message: "The model `missing-model` does not exist" });
  });

  it("lets an AbortController cancel a hanging stream", async () => {
    const controller = new AbortController();
    const result = streamText({
      model: modelFor(api),
      prompt: "[[hang]]",
      abortSignal: controller.signal,
      onError: ignoreErrors,
    });
    const parts = collect(result.fullStream);
    await llm.waitForRequests(1);
    controller.abort();

    expect((await parts).some((p) => p.type === "abort")).toBe(true);
  });

  it("turns [[malformed]] into a stream error part", async () => {
    const result = streamText({ model: modelFor(api), prompt: "[[malformed]]", onError: ignoreErrors });
    const parts = await collect(result.fullStream);

    expect(parts.some((p) => p.type === "error")).toBe(true);
  });

  it("[[drop]] delivers some text, then the stream fails with a network error", async () => {
    const result = streamText({
      model: modelFor(api),
      prompt: "[[drop]] partial answer",
      onError: ignoreErrors,
    });
    const texts: string[] = [];
    const failure = await rejection(
      (async () => {
        for await (const part of result.fullStream) if (part.type === "text-delta") texts.push(part.text);
      })(),
    );

    expect(texts.join("")).toBe("Echo: part"); // first half of "Echo: partial answer"
    expect(failure).toMatchObject({ cause: { message: "terminated" } });
  });

  it("calls any tool with [[tool: name {json}]]", async () => {
    const seen: unknown[] = [];
    const lookup = tool({
      inputSchema: z.object({ path: z.string(), lines: z.array(z.number()) }),
      execute: async (input) => {
        seen.push(input);
        return { ok: true };
      },
    });
    const result = await generateText({
      model: modelFor(api),
      tools: { read_file: lookup },
      stopWhen: isStepCount(3),
      prompt: '[[tool: read_file {"path": "a.txt", "lines": [1, 2]}]] [[text: All done.]]',
    });

    expect(seen).toEqual([{ path: "a.txt", lines: [1, 2] }]);
    expect(result.text).toBe("All done.");
  });

  it("[[instead: N tool {json}]] replaces the first N actions when the tool is offered, and only then", async () => {
    const prompt =
      '[[cmd: grep -rn TODO src]] [[cmd: wc -l]] [[cmd: touch done.txt]] [[instead: 2 find_todos {"dir": "src"}]] [[text: ok]]';
    const withTool: string[] = [];
    const found: unknown[] = [];
    const findTodos = tool({
      inputSchema: z.object({ dir: z.string() }),
      execute: async (input) => {
        found.push(input);
        return "2";
      },
    });
    await generateText({
      model: modelFor(api),
      tools: { run_command: commandTool(withTool), find_todos: findTodos },
      stopWhen: isStepCount(10),
      prompt,
    });
    expect(found).toEqual([{ dir: "src" }]);
    expect(withTool).toEqual(["touch done.txt"]);
    const byHand: string[] = [];
    await generateText({
      model: modelFor(api),
      tools: { run_command: commandTool(byHand) },
      stopWhen: isStepCount(10),
      prompt,
    });
    expect(byHand).toEqual(["grep -rn TODO src", "wc -l", "touch done.txt"]);
  });
});

describe("reasoning (responses API)", () => {
  it("streams reasoning summaries as reasoning deltas", async () => {
    llm.enqueue(reply().reasoning("thinking about it").text("answer").build());
    const parts = await collect(streamText({ model: modelFor("responses"), prompt: "hi" }).fullStream);

    const reasoning = parts.flatMap((p) => (p.type === "reasoning-delta" ? [p.text] : []));
    expect(reasoning.join("")).toBe("thinking about it");
    expect(parts.flatMap((p) => (p.type === "text-delta" ? [p.text] : [])).join("")).toBe("answer");
  });
});

describe("fake-llm HTTP surface", () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${llm.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  const sseData = (text: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => line.slice("data: ".length));

  it("lists models", async () => {
    const body = await (await fetch(`${llm.url}/models`)).json();

    expect(body).toMatchObject({
      object: "list",
      data: expect.arrayContaining([{ ...body.data[0], id: "fake-model" }]),
    });
  });

  it("rejects a bad key with 401 on every route", async () => {
    const res = await fetch(`${llm.url}/models`, { headers: { authorization: "Bearer bad-key" } });

    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_api_key" } });
  });

  it("sends chat tool arguments in several pieces, then finish_reason, usage and [DONE]", async () => {
    const res = await post("/chat/completions", {
      model: "fake-model",
      stream: true,
      messages: [{ role: "user", content: "[[cmd: ls -la]]" }],
    });
    const data = sseData(await res.text());

    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    const argPieces = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls?.[0]?.function.arguments || []);
    expect(argPieces.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(argPieces.join(""))).toEqual({ command: "ls -la" });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
  });

  it("returns 429 with retry headers, counted per conversation", async () => {
    const ask = (first: string) =>
      post("/chat/completions", { model: "fake-model", messages: [{ role: "user", content: first }] });

    const a1 = await ask("A [[fail: 429x1]]");
    const b1 = await ask("B [[fail: 429x1]]");
    const a2 = await ask("A [[fail: 429x1]]");

    expect([a1.status, b1.status, a2.status]).toEqual([429, 429, 200]);
    expect(a1.headers.get("retry-after-ms")).toBe("50");
    expect(a1.headers.get("retry-after")).toBe("0");
  });

  it("prefers enqueued replies, then the handler option", async () => {
    await llm.close();
    const seen: FakeRequest[] = [];
    llm = await startFakeLLM({
      handler: (req) => {
        seen.push(req);
        return reply().text(`handled ${req.lastUserText}`).build();
      },
    });
    llm.enqueue(reply().text("queued").build());

    expect(await generateText({ model: modelFor("chat"), prompt: "one" })).toMatchObject({ text: "queued" });
    expect(await generateText({ model: modelFor("chat"), prompt: "two" })).toMatchObject({
      text: "handled two",
    });
    expect(seen.map((r) => r.lastUserText)).toEqual(["two"]);
  });

  it("waitForRequests rejects with a clear message on timeout", async () => {
    await expect(llm.waitForRequests(1, 20)).rejects.toThrow("waited 20 ms for 1 requests, got 0");
  });
});

describe("parseDirectives", () => {
  it("reads actions in order and strips directives from the prose", () => {
    const script = parseDirectives(
      "go [[cmd: echo [x]]] [[tool: t {}]] [[slow: 3]] [[fail: 500]] [[hang]] now",
    );

    expect(script.actions).toEqual([
      { type: "call", name: "run_command", args: { command: "echo [x]" } },
      { type: "call", name: "t", args: {} },
      { type: "terminal", terminal: "hang" },
    ]);
    expect(script.slow).toBe(3);
    expect(script.failure).toEqual({ status: 500, times: Number.POSITIVE_INFINITY });
    expect(script.prose).toBe("go now");
  });
});

describe("[[replay]] and reply().replay()", () => {
  it("sends the turn's first request the first fixture and the next request the next, byte for byte", async () => {
    const post = (messages: unknown[]) =>
      fetch(`${llm.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", stream: true, messages }),
      }).then((r) => r.text());
    const user = { role: "user", content: "go [[replay: vllm-tool vllm-answer]]" };
    const first = await post([user]);
    expect(first).toContain('"name":"run_command"');
    expect(first).not.toMatch(/^#/m);
    const call = { id: "c1", type: "function", function: { name: "run_command", arguments: "{}" } };
    const second = await post([
      user,
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: "c1", content: "hello-vllm" },
    ]);
    expect(second).toContain("The command said hello-vllm.");
  });

  it("refuses a fixture name that is a path", () => {
    expect(() => reply().replay("../../package")).toThrow(/bad stream fixture name/);
  });
});
