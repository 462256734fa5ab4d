import { generateText, jsonSchema, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLLM, startFakeLLM } from "@/e2e/support/fake-llm";
import { MASK } from "@/lib/sandbox";
import { createLanguageModel } from "./client";
import { maskRequestBody, modelSecrets, withMaskedRequests } from "./request-masking";

const KEY = "configured-model-key-7f3a9c";
const TOKEN = "access-token-1b2c3d4e5f6a7b8c";
const QUOTED = 'pa"ss\\word-with\nnewline';

describe("maskRequestBody", () => {
  const secrets = [KEY, TOKEN, QUOTED];

  it("masks secrets in every string of the body, the escaped ones too", () => {
    const body = JSON.stringify({
      model: "m",
      messages: [
        { role: "system", content: `Project instructions: token ${TOKEN}, key ${KEY}, pw ${QUOTED}` },
        {
          role: "assistant",
          tool_calls: [
            {
              id: "call_1",
              function: { name: "run_command", arguments: JSON.stringify({ command: `echo ${QUOTED}` }) },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: `DATABASE_URL=postgresql://u:hunter2@db/x ${KEY}` },
      ],
      tools: [{ function: { name: "t", description: `uses ${TOKEN}`, parameters: { [KEY]: {} } } }],
    });
    const masked = maskRequestBody(body, secrets);
    for (const secret of [KEY, TOKEN, "hunter2", JSON.stringify(QUOTED).slice(1, -1)]) {
      expect(masked).not.toContain(secret);
    }
    const parsed = JSON.parse(masked);
    expect(parsed.messages[0].content).toBe(`Project instructions: token ${MASK}, key ${MASK}, pw ${MASK}`);
    expect(JSON.parse(parsed.messages[1].tool_calls[0].function.arguments)).toEqual({
      command: `echo ${MASK}`,
    });
    expect(parsed.messages[2].content).toBe(`DATABASE_URL=postgresql://u:${MASK}@db/x ${MASK}`);
    expect(Object.keys(parsed.tools[0].function.parameters)).toEqual([MASK]);
  });

  it("leaves a body without secrets byte for byte as it was", () => {
    const body = '{"model":"m","temperature":1.0,"messages":[{"role":"user","content":"hi"}]}';
    expect(maskRequestBody(body, secrets)).toBe(body);
  });

  it("masks a secret anywhere in the tree and keeps everything around it as it was", () => {
    const around = { a: 1, b: [true, null, "x"], c: { d: "plain" } };
    const places: [string, unknown, unknown][] = [
      ["the first key", { [KEY]: 1, ...around }, { [MASK]: 1, ...around }],
      ["a middle value", { a: 1, b: `k ${KEY}`, c: around.c }, { a: 1, b: `k ${MASK}`, c: around.c }],
      ["the last array item", [...around.b, TOKEN], [...around.b, MASK]],
      ["deep inside", { x: [around, { y: [[`${TOKEN}!`]] }] }, { x: [around, { y: [[`${MASK}!`]] }] }],
      [
        "a __proto__ key",
        JSON.parse(`{"a":1,"__proto__":{"k":"${KEY}"}}`),
        { a: 1, ["__proto__"]: { k: MASK } },
      ],
    ];
    for (const [where, value, expected] of places) {
      const masked = maskRequestBody(JSON.stringify(value), secrets);
      expect(masked, where).toBe(JSON.stringify(expected));
      // a __proto__ key stays a key: it never becomes the parsed object's prototype
      expect(Object.getPrototypeOf(JSON.parse(masked)), where).toBe(
        Array.isArray(value) ? Array.prototype : Object.prototype,
      );
    }
  });

  it("masks a body that is not JSON as text", () => {
    expect(maskRequestBody(`key=${KEY}&x=1`, secrets)).toBe(`key=${MASK}&x=1`);
  });
});

describe("withMaskedRequests", () => {
  it("refuses a body it cannot read rather than sending it unmasked", async () => {
    const sent: unknown[] = [];
    const fetchImpl = withMaskedRequests(
      async (_input, init) => {
        sent.push(init?.body);
        return new Response("{}");
      },
      [KEY],
    );
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(KEY));
        controller.close();
      },
    });
    await expect(fetchImpl("http://x/v1", { method: "POST", body: stream })).rejects.toThrow(
      /cannot be masked/,
    );
    await fetchImpl("http://x/v1", { method: "POST", body: new TextEncoder().encode(`{"a":"${KEY}"}`) });
    expect(sent).toEqual([`{"a":"${MASK}"}`]);
  });

  it("knows the access token and the configured key", () => {
    const secrets = modelSecrets(KEY);
    expect(secrets).toContain(KEY);
    expect(secrets).toContain(process.env.RATCHET_TOKEN);
  });
});

describe("every model request leaves through the masker", () => {
  let llm: FakeLLM;
  beforeAll(async () => {
    llm = await startFakeLLM();
  });
  afterAll(async () => {
    await llm.close();
  });

  for (const api of ["chat", "responses"] as const) {
    it(`${api}: the system prompt, messages, tool results and tool descriptions`, async () => {
      llm.reset();
      const token = process.env.RATCHET_TOKEN ?? "";
      const model = createLanguageModel({ baseUrl: llm.url, apiKey: KEY, model: "fake-model", api });
      await generateText({
        model,
        instructions: `## Project instructions (AGENTS.md)\nThe token is ${token} and the key ${KEY}.`,
        messages: [
          { role: "user", content: `my database: postgresql://admin:Sup3rS3cretPw@db.internal/app` },
          {
            role: "assistant",
            content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookup", input: { q: token } }],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: "c1",
                toolName: "lookup",
                output: { type: "text", value: `found ${KEY}` },
              },
            ],
          },
        ],
        tools: {
          lookup: tool({
            description: `Looks things up with ${KEY}`,
            inputSchema: jsonSchema({ type: "object", properties: { q: { type: "string" } } }),
          }),
        },
        maxRetries: 0,
      });
      expect(llm.requests).toHaveLength(1);
      const request = llm.requests[0];
      const body = JSON.stringify(request?.body);
      for (const secret of [token, KEY, "Sup3rS3cretPw"]) expect(body).not.toContain(secret);
      expect(body).toContain(MASK);
      // the endpoint's own key still authenticates the call
      expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    });
  }
});
