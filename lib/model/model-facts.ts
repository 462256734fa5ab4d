import { findKnownModel, KNOWN_MODELS, type KnownModel } from "./known-models";

/**
 * What a model takes and costs, as Ratchet uses it (the context budget, every step's cost), with
 * where each figure came from. The order is fixed: what a person set in Settings, then what the
 * endpoint says of its own models (its /v1/models list), then Ratchet's table of well-known models,
 * then unknown. Unknown is said as unknown: a model nobody priced costs "unknown", never "$0".
 */
export type FactSource = "person" | "endpoint" | "table" | "unknown";

/** The figures one source knows of a model; any of them may be missing. */
export interface ModelFigures {
  contextWindow?: number;
  inputPerMTok?: number;
  outputPerMTok?: number;
  cachedInputPerMTok?: number;
}

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Prompt-cache reads; the input price when the source names none. */
  cachedInputPerMTok: number;
}

export interface ModelFacts {
  model: string;
  contextWindow: number | null;
  contextWindowSource: FactSource;
  price: ModelPrice | null;
  priceSource: FactSource;
}

export interface FactLayers {
  person?: ModelFigures;
  endpoint?: ModelFigures;
  table?: readonly KnownModel[];
}

/** A price is taken whole from one source: an input price from one and an output price from another is nobody's price. */
function priceOf(figures: ModelFigures | undefined): ModelPrice | null {
  if (figures?.inputPerMTok === undefined || figures.outputPerMTok === undefined) return null;
  return {
    inputPerMTok: figures.inputPerMTok,
    outputPerMTok: figures.outputPerMTok,
    cachedInputPerMTok: figures.cachedInputPerMTok ?? figures.inputPerMTok,
  };
}

export function resolveModelFacts(model: string, layers: FactLayers = {}): ModelFacts {
  const known = findKnownModel(model, layers.table ?? KNOWN_MODELS);
  const ordered: [FactSource, ModelFigures | undefined][] = [
    ["person", layers.person],
    ["endpoint", layers.endpoint],
    ["table", known],
  ];
  let contextWindow: number | null = null;
  let contextWindowSource: FactSource = "unknown";
  let price: ModelPrice | null = null;
  let priceSource: FactSource = "unknown";
  for (const [source, figures] of ordered) {
    if (contextWindow === null && figures?.contextWindow !== undefined) {
      contextWindow = figures.contextWindow;
      contextWindowSource = source;
    }
    const found: ModelPrice | null = price === null ? priceOf(figures) : null;
    if (found) {
      price = found;
      priceSource = source;
    }
  }
  return { model, contextWindow, contextWindowSource, price, priceSource };
}

/** Token counts of one step as the endpoint reported them. */
export interface StepTokens {
  inputTokens: number;
  outputTokens: number;
  /** Of the input tokens, those read from the endpoint's prompt cache. */
  cachedInputTokens?: number;
}

/** USD for one step, or null when the model's price is unknown (the caller decides how to count that). */
export function costOfStep(price: ModelPrice | null, tokens: StepTokens): number | null {
  if (!price) return null;
  const cached = Math.min(tokens.cachedInputTokens ?? 0, tokens.inputTokens);
  return (
    ((tokens.inputTokens - cached) * price.inputPerMTok +
      cached * price.cachedInputPerMTok +
      tokens.outputTokens * price.outputPerMTok) /
    1_000_000
  );
}

/** How a figure reads to a person: a number, or "unknown" — never a made-up zero. */
export function describePrice(price: ModelPrice | null): string {
  if (!price) return "unknown";
  return `$${price.inputPerMTok} in / $${price.outputPerMTok} out per 1M tokens`;
}
