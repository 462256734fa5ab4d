import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_MODELS, type FakeLLM, startFakeLLM } from "@/e2e/support/fake-llm";
import { listModels } from "./model-list";
import { ENDPOINT_PRESETS } from "./presets";

let llm: FakeLLM;
let hostile: Server;
let hostileUrl: string;
const seen: { path: string; auth: string | undefined }[] = [];

/** An endpoint that answers /models with whatever the path asks for. */
const ANSWERS: Record<string, (res: import("node:http").ServerResponse) => void> = {
  "/page/models": (res) => res.end("<html>not an API</html>"),
  "/shape/models": (res) => res.end(JSON.stringify({ models: ["a"] })),
  "/long-id/models": (res) => res.end(JSON.stringify({ data: [{ id: "x".repeat(500) }] })),
  "/huge/models": (res) => {
    res.write(`{"data":[{"id":"${"y".repeat(3 * 1024 * 1024)}`);
    res.end('"}]}');
  },
  "/denied/models": (res) => {
    res.statusCode = 401;
    res.end(JSON.stringify({ error: { message: "bad key sk-echoed-back" } }));
  },
  "/redirect/models": (res) => {
    res.statusCode = 302;
    res.setHeader("location", "http://169.254.169.254/latest/meta-data/");
    res.end();
  },
  // what OpenRouter, Groq and vLLM say of their models, next to entries that lie
  "/figures/models": (res) =>
    res.end(
      JSON.stringify({
        data: [
          { id: "or/big", context_length: 200000, pricing: { prompt: "0.000003", completion: "0.000015" } },
          { id: "groq-model", context_window: 131072 },
          { id: "__proto__", context_length: 4096 },
          { id: "liar", context_length: 1e15, pricing: { prompt: "-1", completion: "x" } },
          { id: "bare" },
        ],
      }),
    ),
  "/dupes/models": (res) =>
    res.end(JSON.stringify({ data: [{ id: "b", owned_by: "me" }, { id: "a" }, { id: "b" }] })),
};

beforeAll(async () => {
  llm = await startFakeLLM({ port: 0 });
  hostile = createServer((req, res) => {
    seen.push({ path: req.url ?? "", auth: req.headers.authorization });
    (ANSWERS[req.url ?? ""] ?? ((r) => r.end("{}")))(res);
  });
  await new Promise<void>((resolve) => hostile.listen(0, "127.0.0.1", resolve));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await llm.close();
  hostile.close();
});

describe("listModels", () => {
  it("lists an OpenAI-compatible endpoint's models with the key the agent would send", async () => {
    const report = await listModels({ baseUrl: llm.url, apiKey: "sk-list" });
    expect(report).toMatchObject({ ok: true, models: [...FAKE_MODELS].sort() });
    expect(report.message).toMatch(/3 models at/);
  });

  it("sends the key only as a bearer header, and no header without one", async () => {
    await listModels({ baseUrl: `${hostileUrl}/dupes`, apiKey: "sk-secret-1" });
    await listModels({ baseUrl: `${hostileUrl}/dupes`, apiKey: null });
    expect(seen.slice(-2).map((s) => s.auth)).toEqual(["Bearer sk-secret-1", undefined]);
  });

  it("keeps ids only, once each, sorted", async () => {
    expect(await listModels({ baseUrl: `${hostileUrl}/dupes`, apiKey: null })).toMatchObject({
      ok: true,
      models: ["a", "b"],
    });
  });

  it("keeps what the endpoint says of each model's window and price, inside sane bounds, as own keys", async () => {
    const report = await listModels({ baseUrl: `${hostileUrl}/figures`, apiKey: null });
    expect(report.models).toEqual(["__proto__", "bare", "groq-model", "liar", "or/big"]);
    const figures = report.figures ?? {};
    expect(Object.getPrototypeOf(figures)).toBe(Object.prototype);
    expect(Object.keys(figures).sort()).toEqual(["__proto__", "groq-model", "or/big"]);
    expect(figures["or/big"]).toEqual({ contextWindow: 200_000, inputPerMTok: 3, outputPerMTok: 15 });
    expect(figures["groq-model"]).toEqual({ contextWindow: 131_072 });
    expect(Object.hasOwn(figures, "__proto__")).toBe(true);
  });

  it.each([
    ["not JSON", "/page", /did not send an OpenAI-style model list/],
    ["another shape", "/shape", /did not send an OpenAI-style model list/],
    ["an id longer than any model's", "/long-id", /did not send an OpenAI-style model list/],
    ["more than 2 MB", "/huge", /larger than 2 MB/],
    ["HTTP 401", "/denied", /answered HTTP 401/],
    ["a redirect elsewhere", "/redirect", /Could not list/],
    ["nothing listening", "http://127.0.0.1:9", /Could not list/],
  ])(
    "an endpoint answering %s gives a sentence and no list, never its bytes",
    async (_case, where, message) => {
      const baseUrl = where.startsWith("http") ? where : `${hostileUrl}${where}`;
      const report = await listModels({ baseUrl, apiKey: "sk-secret-2" });
      expect(report).toMatchObject({ ok: false, models: [] });
      expect(report.message).toMatch(message);
      expect(report.message).toMatch(/type the model id instead/);
      expect(report.message).not.toMatch(/<html|sk-echoed|yyyy|meta-data/);
    },
  );
});

describe("presets", () => {
  it("name every server family the issue lists, each with a URL, an API style and whether a key is needed", () => {
    expect(ENDPOINT_PRESETS.map((p) => p.label)).toEqual([
      "OpenAI",
      "Ollama",
      "llama.cpp server",
      "vLLM",
      "LM Studio",
      "OpenRouter",
      "Groq",
      "DeepSeek",
    ]);
    for (const preset of ENDPOINT_PRESETS) {
      expect(new URL(preset.baseUrl).pathname).toMatch(/\/v1$/);
      // only OpenAI's own API gets OpenAI's client
      expect(preset.provider).toBe(preset.id === "openai" ? "openai" : "compatible");
      // local servers need no key, hosted ones do
      expect(preset.keyNeeded).toBe(!/^http:\/\/127\.0\.0\.1/.test(preset.baseUrl));
    }
  });
});
