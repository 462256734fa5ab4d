import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModel } from "ai";
import { env } from "@/lib/env";
import { type DescribedError, describeModelError } from "./errors";
import { modelSecrets, withMaskedRequests } from "./request-masking";
import { createRetryingFetch, type RetryOptions } from "./retrying-fetch";
import { withSilenceTimeout } from "./timeout";

export const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Where a model is reached and how it is spoken to: what every model call needs of the settings. */
export interface ModelEndpoint {
  baseUrl: string | null;
  apiKey: string | null;
  model: string;
  api: "chat" | "responses";
}

export function endpointOf(config: Pick<ModelEndpoint, "baseUrl">): string {
  return config.baseUrl ?? OPENAI_BASE_URL;
}

/** RATCHET_MODEL_TIMEOUT_SECONDS: the longest a model endpoint may stay silent, in ms. */
export function silenceLimitMs(): number {
  return env().RATCHET_MODEL_TIMEOUT_SECONDS * 1000;
}

/**
 * Any OpenAI-compatible endpoint; Chat Completions is what local servers speak. Every model call
 * Ratchet makes (turns, reflections, the connection test) is created here, so every request body
 * goes through the secret masker on its way out.
 */
export function createLanguageModel(
  config: Pick<ModelEndpoint, "baseUrl" | "apiKey" | "model" | "api">,
  fetchImpl?: typeof fetch,
  onRequest?: (body: string) => void,
): LanguageModel {
  const send = fetchImpl ?? ((input, init) => globalThis.fetch(input, init));
  const provider = createOpenAI({
    baseURL: endpointOf(config),
    // Local servers accept any key; the provider refuses to run without one.
    apiKey: config.apiKey || "ratchet-no-key",
    fetch: withMaskedRequests(send, modelSecrets(config.apiKey), onRequest),
  });
  return config.api === "responses" ? provider.responses(config.model) : provider.chat(config.model);
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
