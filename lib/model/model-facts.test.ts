import { describe, expect, it } from "vitest";
import { figuresOf } from "@/lib/settings/model-list";
import { findKnownModel } from "./known-models";
import {
  costOfStep,
  describePrice,
  type FactLayers,
  type ModelFigures,
  resolveModelFacts,
} from "./model-facts";
import { factsFor, type Price } from "./prices";

const PERSON: ModelFigures = { contextWindow: 32_000, inputPerMTok: 9, outputPerMTok: 19 };
const ENDPOINT: ModelFigures = { contextWindow: 64_000, inputPerMTok: 5, outputPerMTok: 15 };
const TABLE = [
  { id: "m", contextWindow: 100_000, inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.1 },
];

describe("resolution order: person > endpoint > table > unknown", () => {
  it.each<[string, FactLayers, number | null, string, number | null, string]>([
    ["all three", { person: PERSON, endpoint: ENDPOINT, table: TABLE }, 32_000, "person", 9, "person"],
    ["endpoint and table", { endpoint: ENDPOINT, table: TABLE }, 64_000, "endpoint", 5, "endpoint"],
    ["table only", { table: TABLE }, 100_000, "table", 1, "table"],
    ["nothing", { table: [] }, null, "unknown", null, "unknown"],
    // each figure on its own: a person's window with the endpoint's price
    [
      "person window only",
      { person: { contextWindow: 8192 }, endpoint: ENDPOINT },
      8192,
      "person",
      5,
      "endpoint",
    ],
    // a price is taken whole: an input price alone is no price
    ["half a price", { person: { inputPerMTok: 3 }, table: TABLE }, 100_000, "table", 1, "table"],
  ])("%s", (_name, layers, window, windowSource, input, priceSource) => {
    const facts = resolveModelFacts("m", layers);
    expect(facts.contextWindow).toBe(window);
    expect(facts.contextWindowSource).toBe(windowSource);
    expect(facts.price?.inputPerMTok ?? null).toBe(input);
    expect(facts.priceSource).toBe(priceSource);
  });

  it("a price without a cached-input price charges cached tokens at the input price", () => {
    expect(resolveModelFacts("m", { person: PERSON }).price?.cachedInputPerMTok).toBe(9);
    expect(resolveModelFacts("m", { table: TABLE }).price?.cachedInputPerMTok).toBe(0.1);
  });
});

describe("unknown is unknown, never $0", () => {
  it("an unpriced model has no price and no cost", () => {
    const facts = resolveModelFacts("my-local-model");
    expect(facts.price).toBeNull();
    expect(costOfStep(facts.price, { inputTokens: 1000, outputTokens: 1000 })).toBeNull();
    expect(describePrice(facts.price)).toBe("unknown");
  });

  it("an open-weight model in the table has a window but no price", () => {
    const facts = resolveModelFacts("gpt-oss:20b");
    expect(facts.contextWindow).toBe(131_072);
    expect(facts.priceSource).toBe("unknown");
  });

  it("a person's $0 is a price, not unknown", () => {
    const facts = resolveModelFacts("local", { person: { inputPerMTok: 0, outputPerMTok: 0 } });
    expect(describePrice(facts.price)).toBe("$0 in / $0 out per 1M tokens");
    expect(costOfStep(facts.price, { inputTokens: 5, outputTokens: 5 })).toBe(0);
  });
});

describe("costOfStep", () => {
  it("charges cached input at its own price", () => {
    const price = { inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 };
    expect(
      costOfStep(price, { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 400_000 }),
    ).toBeCloseTo(0.6 * 2 + 0.4 * 0.5);
    expect(costOfStep(price, { inputTokens: 0, outputTokens: 1_000_000 })).toBe(8);
    // a cached count larger than the input (a confused endpoint) is capped at the input
    expect(costOfStep(price, { inputTokens: 10, outputTokens: 0, cachedInputTokens: 99 })).toBeCloseTo(
      (10 * 0.5) / 1e6,
    );
  });
});

describe("the table's spellings", () => {
  it.each([
    ["gpt-5-mini", "gpt-5-mini"],
    ["openai/gpt-5-mini", "gpt-5-mini"],
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["gpt-oss:120b", "gpt-oss-120b"],
    ["deepseek/deepseek-chat", "deepseek-chat"],
  ])("%s is %s", (model, id) => {
    expect(findKnownModel(model)?.id).toBe(id);
  });

  it.each(["gpt-4o-mini-tts", "gpt-5x", "my-gpt-5", "", "constructor", "__proto__"])(
    "%j is not a mere prefix match",
    (model) => {
      expect(findKnownModel(model)).toBeUndefined();
    },
  );
});

describe("factsFor: what a turn uses", () => {
  const prices: Price[] = [
    { model: "openai/gpt-5", inputPerMTok: 7, outputPerMTok: 70, contextWindow: 50_000 },
  ];
  const endpoint = {
    endpoint: "http://e/v1",
    models: { "gpt-5": { contextWindow: 99_000 }, x: { inputPerMTok: 1, outputPerMTok: 1 } },
  };

  it("a person's row beats the endpoint and the table", () => {
    const facts = factsFor("openai/gpt-5", "http://e/v1", { prices, endpoint });
    expect([facts.contextWindow, facts.contextWindowSource, facts.priceSource]).toEqual([
      50_000,
      "person",
      "person",
    ]);
  });

  it("the endpoint's figures count for that endpoint only", () => {
    expect(factsFor("gpt-5", "http://e/v1", { prices: [], endpoint }).contextWindowSource).toBe("endpoint");
    expect(factsFor("gpt-5", "http://other/v1", { prices: [], endpoint }).contextWindowSource).toBe("table");
  });

  it("the person's one window in Settings counts as theirs for every model", () => {
    const facts = factsFor("x", "http://e/v1", { prices: [], endpoint, contextWindow: 16_384 });
    expect([facts.contextWindow, facts.contextWindowSource, facts.priceSource]).toEqual([
      16_384,
      "person",
      "endpoint",
    ]);
  });

  it("a model named like an object's own properties is not found in the endpoint's figures", () => {
    for (const model of ["constructor", "__proto__", "toString"])
      expect(factsFor(model, "http://e/v1", { prices: [], endpoint }).contextWindowSource).toBe("unknown");
  });
});

describe("figuresOf: what an endpoint's list says, checked", () => {
  it.each<[string, Record<string, unknown>, ModelFigures | undefined]>([
    [
      "OpenRouter: context_length and prices per token as strings",
      {
        id: "a",
        context_length: 200000,
        pricing: { prompt: "0.000003", completion: "0.000015", input_cache_read: "0.0000003" },
      },
      { contextWindow: 200_000, inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
    ],
    ["Groq: context_window", { id: "a", context_window: 131072 }, { contextWindow: 131_072 }],
    ["vLLM: max_model_len", { id: "a", max_model_len: 32768 }, { contextWindow: 32_768 }],
    ["nothing said", { id: "a", owned_by: "me" }, undefined],
    ["a window out of bounds", { id: "a", context_length: 1e12 }, undefined],
    ["a negative window", { id: "a", context_length: -5 }, undefined],
    ["not a number", { id: "a", context_length: "lots" }, undefined],
    ["an object where a number belongs", { id: "a", context_length: { $gt: 1 } }, undefined],
    ["half a price", { id: "a", pricing: { prompt: "0.000001" } }, undefined],
    ["a negative price", { id: "a", pricing: { prompt: "-1", completion: "0.00001" } }, undefined],
    ["Infinity", { id: "a", pricing: { prompt: "Infinity", completion: "1" } }, undefined],
  ])("%s", (_name, entry, figures) => {
    expect(figuresOf(entry as Parameters<typeof figuresOf>[0])).toEqual(figures);
  });
});
