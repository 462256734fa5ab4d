import { z } from "zod";
import { readSetting, type SettingsSnapshot, writeSettings } from "@/lib/db/queries/settings";
import { matchesModel } from "./known-models";
import { type ModelFacts, type ModelFigures, resolveModelFacts } from "./model-facts";

/**
 * A person's own figures for a model, set in Settings: they win over what the endpoint says and over
 * Ratchet's table (./known-models.ts). The prices are required (a row is a price); the context
 * window and the cached-input price are optional.
 */
export const priceSchema = z.object({
  model: z.string().trim().min(1).max(200),
  inputPerMTok: z.number().min(0).max(10_000),
  outputPerMTok: z.number().min(0).max(10_000),
  cachedInputPerMTok: z.number().min(0).max(10_000).optional(),
  contextWindow: z.number().int().min(1024).max(10_000_000).optional(),
});
export type Price = z.infer<typeof priceSchema>;

/** Saved prices are read by their shape, not the editing limits: a price stored earlier stays in force. */
const storedPrices = z.array(
  z.object({
    model: z.string(),
    inputPerMTok: z.number(),
    outputPerMTok: z.number(),
    cachedInputPerMTok: z.number().optional(),
    contextWindow: z.number().optional(),
  }),
);

/** The person's rows only; models nobody priced are resolved from the endpoint and the table. */
export const PRICES_KEY = "prices";

export async function loadPrices(from?: SettingsSnapshot): Promise<Price[]> {
  return (await readSetting(PRICES_KEY, storedPrices, from)) ?? [];
}

export async function savePrices(prices: Price[]): Promise<void> {
  await writeSettings({ prices });
}

/** The person's row for a model: the exact id first, then the same model spelled as a gateway or server does. */
export function findPrice(prices: readonly Price[], model: string): Price | undefined {
  return prices.find((p) => p.model === model) ?? prices.find((p) => matchesModel(p.model, model));
}

/** What the endpoint said of its models when they were last listed (lib/settings/model-list.ts). */
const endpointFiguresSchema = z.object({
  endpoint: z.string(),
  models: z.record(
    z.string(),
    z.object({
      contextWindow: z.number().optional(),
      inputPerMTok: z.number().optional(),
      outputPerMTok: z.number().optional(),
      cachedInputPerMTok: z.number().optional(),
    }),
  ),
});
export type EndpointFigures = z.infer<typeof endpointFiguresSchema>;
export const ENDPOINT_FIGURES_KEY = "model.endpointFigures";

export async function loadEndpointFigures(from?: SettingsSnapshot): Promise<EndpointFigures | null> {
  return (await readSetting(ENDPOINT_FIGURES_KEY, endpointFiguresSchema, from)) ?? null;
}

export async function saveEndpointFigures(figures: EndpointFigures): Promise<void> {
  await writeSettings({ [ENDPOINT_FIGURES_KEY]: figures });
}

/** Everything the resolution reads, loaded once (a turn resolves its models from it). */
export interface FactSources {
  prices: readonly Price[];
  /** The person's one context window for every model (Settings → Model), when they set it. */
  contextWindow?: number;
  endpoint: EndpointFigures | null;
}

/** A model's facts: the person's row (and their context window), then the endpoint's figures (for its own URL only), then the table. */
export function factsFor(model: string, endpointUrl: string, sources: FactSources): ModelFacts {
  const row = findPrice(sources.prices, model);
  const person: ModelFigures = { ...(row ?? {}) };
  if (person.contextWindow === undefined && sources.contextWindow !== undefined)
    person.contextWindow = sources.contextWindow;
  const listed = sources.endpoint?.endpoint === endpointUrl ? sources.endpoint.models : undefined;
  // own keys only: a model named "constructor" is not the object's
  const endpoint = listed && Object.hasOwn(listed, model) ? listed[model] : undefined;
  return resolveModelFacts(model, { person, ...(endpoint ? { endpoint } : {}) });
}
