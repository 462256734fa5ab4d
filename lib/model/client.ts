import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { env } from "@/lib/env";
import { type DescribedError, describeModelError } from "./errors";
import { modelSecrets, withMaskedRequests } from "./request-masking";
import { withReasoningText } from "./responses-reasoning";
import { createRetryingFetch, type RetryOptions } from "./retrying-fetch";
import { withSilenceTimeout } from "./timeout";

export const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Where a model is reached and how it is spoken to: what every model call needs of the settings. */
export interface ModelEndpoint {
  baseUrl: string | null;
  apiKey: string | null;
  model: string;
  api: "chat" | "responses";
  /**
   * Which client speaks to it: OpenAI's own (`openai`), any other OpenAI-compatible server
   * (`compatible`), or chosen by the base URL (`auto`, the default).
   */
  provider?: ModelProvider;
}

export type ModelProvider = "auto" | "openai" | "compatible";

/** OpenAI's own API, by host: only there do OpenAI's request options and reasoning summaries apply. */
export function isOpenAIEndpoint(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === "api.openai.com";
  } catch {
    return false;
  }
}

/** The client an endpoint gets: the setting when it names one, else OpenAI's for OpenAI's own host. */
export function providerFor(config: Pick<ModelEndpoint, "baseUrl" | "provider">): "openai" | "compatible" {
  if (config.provider === "openai" || config.provider === "compatible") return config.provider;
  return isOpenAIEndpoint(endpointOf(config)) ? "openai" : "compatible";
}

export function endpointOf(config: Pick<ModelEndpoint, "baseUrl">): string {
  return config.baseUrl ?? OPENAI_BASE_URL;
}

/** RATCHET_MODEL_TIMEOUT_SECONDS: the longest a model endpoint may stay silent, in ms. */
export function silenceLimitMs(): number {
  return env().RATCHET_MODEL_TIMEOUT_SECONDS * 1000;
}

/**
 * The SDK model for an endpoint. OpenAI's own API goes through `@ai-sdk/openai` (Chat or
 * Responses); every other Chat Completions server through `@ai-sdk/openai-compatible`, which reads
 * the reasoning they stream (`reasoning_content`: DeepSeek, xAI, Moonshot, vLLM, llama.cpp;
 * `reasoning`: Groq, Ollama) and never sends OpenAI-only options. The Responses API has one client;
 * local servers that stream full reasoning (`response.reasoning_text.*`, LM Studio) are read through
 * ./responses-reasoning.ts. Every model call Ratchet makes (turns, reflections, the connection test)
 * is created here, so every request body goes through the secret masker on its way out.
 */
export function createLanguageModel(
  config: Pick<ModelEndpoint, "baseUrl" | "apiKey" | "model" | "api" | "provider">,
  fetchImpl?: typeof fetch,
  onRequest?: (body: string) => void,
): LanguageModel {
  const send = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  const masked = withMaskedRequests(send, modelSecrets(config.apiKey), onRequest);
  const baseURL = endpointOf(config);
  // Local servers accept any key; the providers refuse to run without one.
  const apiKey = config.apiKey || "ratchet-no-key";
  if (config.api === "responses") {
    return createOpenAI({ baseURL, apiKey, fetch: withReasoningText(masked) }).responses(config.model);
  }
  if (providerFor(config) === "openai")
    return createOpenAI({ baseURL, apiKey, fetch: masked }).chat(config.model);
  return createOpenAICompatible({
    name: "endpoint",
    baseURL,
    apiKey,
    fetch: masked,
    includeUsage: true,
    // reflections ask for an object by JSON schema, as they did of every server before (vLLM,
    // llama.cpp, Ollama and LM Studio enforce it; without it only "some JSON" is asked for)
    supportsStructuredOutputs: true,
  }).chatModel(config.model);
}

export interface ModelClientOptions {
  /** Retries rate limits and transient failures in Ratchet's fetch (reported through `onRetry`). */
  retry?: RetryOptions;
  /** Longest silence before the response headers and inside the body; unbounded when unset. */
  silenceMs?: number;
  /** Each request body as it was sent, masked, once per call (retries resend the same body). */
  onRequest?: (body: string) => void;
}

/** A model as its callers use it: the SDK model, and its failures as one sentence a person can act on. */
export interface ModelClient {
  model: LanguageModel;
  /** The endpoint's URL, as messages name it. */
  endpoint: string;
  describe(error: unknown): DescribedError;
}

/** The one way into a model: provider choice, masking, retries and the silence bound put together. */
export function modelClient(config: ModelEndpoint, options: ModelClientOptions = {}): ModelClient {
  const { retry, silenceMs, onRequest } = options;
  let fetchImpl: typeof fetch | undefined;
  if (retry) fetchImpl = createRetryingFetch({ ...retry, timeoutMs: silenceMs });
  else if (silenceMs) fetchImpl = withSilenceTimeout(fetch, silenceMs);
  const endpoint = endpointOf(config);
  return {
    model: createLanguageModel(config, fetchImpl, onRequest),
    endpoint,
    describe: (error) => describeModelError(error, endpoint, config.model),
  };
}
