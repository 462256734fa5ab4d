import type { SettingsSnapshot } from "@/lib/db/queries/settings";
import { endpointOf } from "@/lib/model/client";
import type { ModelFacts } from "@/lib/model/model-facts";
import { type FactSources, factsFor, loadEndpointFigures, loadPrices } from "@/lib/model/prices";
import type { ModelConfig } from "./model-config";

/** The figures a turn and Settings resolve models from: the person's rows and window, the endpoint's list. */
export async function loadFactSources(config: ModelConfig, from?: SettingsSnapshot): Promise<FactSources> {
  const [prices, endpoint] = await Promise.all([loadPrices(from), loadEndpointFigures(from)]);
  // the one window in Settings → Model is the person's only when they saved it (else it is a default)
  return {
    prices,
    endpoint,
    ...(config.sources.contextWindow === "settings" ? { contextWindow: config.contextWindow } : {}),
  };
}

/** Facts for models on the configured endpoint. */
export function configuredFacts(config: ModelConfig, sources: FactSources, models: string[]): ModelFacts[] {
  return [...new Set(models)].map((model) => factsFor(model, endpointOf(config), sources));
}
