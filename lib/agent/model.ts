import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";
import type { ModelConfig } from "@/lib/settings/model-config";
import { modelSecrets, withMaskedRequests } from "./request-masking";

export const OPENAI_BASE_URL = "https://api.openai.com/v1";

export function endpointOf(config: Pick<ModelConfig, "baseUrl">): string {
  return config.baseUrl ?? OPENAI_BASE_URL;
}

/**
 * Any OpenAI-compatible endpoint; Chat Completions is what local servers speak. Every model call
 * Ratchet makes (turns, reflections, the connection test) is created here, so every request body
 * goes through the secret masker on its way out.
 */
export function createLanguageModel(
  config: Pick<ModelConfig, "baseUrl" | "apiKey" | "model" | "api">,
  fetchImpl?: typeof fetch,
): LanguageModel {
  const send = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  const provider = createOpenAI({
    baseURL: endpointOf(config),
    // Local servers accept any key; the provider refuses to run without one.
    apiKey: config.apiKey || "ratchet-no-key",
    fetch: withMaskedRequests(send, modelSecrets(config.apiKey)),
  });
  return config.api === "responses" ? provider.responses(config.model) : provider.chat(config.model);
}
