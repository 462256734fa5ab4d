import { z } from "zod";
import { readSetting, type SettingsSnapshot, writeSettings } from "@/lib/db/queries/settings";
import { env } from "@/lib/env";
import type { ModelEndpoint } from "@/lib/model/client";

export const DEFAULT_CONTEXT_WINDOW = 128_000;

export const modelSettingsSchema = z.object({
  baseUrl: z
    .url({ message: "Base URL must be a URL such as http://127.0.0.1:11434/v1" })
    .nullable()
    .optional(),
  apiKey: z.string().max(4096).nullable().optional(),
  model: z.string().trim().min(1).max(200).optional(),
  api: z.enum(["chat", "responses"]).optional(),
  /** OpenAI's client or the OpenAI-compatible one; `auto` (the default) goes by the base URL. */
  provider: z.enum(["auto", "openai", "compatible"]).optional(),
  /** One window for every model, the person's; null clears it (each model's own is used). */
  contextWindow: z.number().int().min(1024).max(10_000_000).nullable().optional(),
  /**
   * Model tiers (lib/agent/tiers.ts), two models on this endpoint: the fast one turns start on (the
   * model above when unset), the strong one they escalate to (unset: no tiers).
   */
  fastModel: z.string().trim().min(1).max(200).nullable().optional(),
  strongModel: z.string().trim().min(1).max(200).nullable().optional(),
  stepLimit: z.number().int().min(1).max(1000).optional(),
});
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

export interface ModelTiers {
  fast: string;
  /** null: no tiers, every step on the fast model. */
  strong: string | null;
}

export interface ModelConfig extends ModelEndpoint {
  contextWindow: number;
  tiers: ModelTiers;
  stepLimit: number;
  configured: boolean;
  sources: Record<
    "baseUrl" | "apiKey" | "model" | "api" | "contextWindow" | "stepLimit",
    "settings" | "env" | "default"
  >;
}

function pick<T>(
  saved: T | null | undefined,
  fromEnv: T | undefined,
  fallback: T,
): [T, "settings" | "env" | "default"] {
  if (saved !== undefined && saved !== null) return [saved, "settings"];
  if (fromEnv !== undefined) return [fromEnv, "env"];
  return [fallback, "default"];
}

/** Saved settings win over env, env over defaults. */
export function resolveModelConfig(saved: ModelSettings): ModelConfig {
  const e = env();
  const [baseUrl, baseUrlSrc] = pick<string | null>(saved.baseUrl, e.OPENAI_BASE_URL, null);
  const [apiKey, apiKeySrc] = pick<string | null>(saved.apiKey, e.OPENAI_API_KEY, null);
  const [model, modelSrc] = pick(
    saved.model,
    process.env.RATCHET_MODEL ? e.RATCHET_MODEL : undefined,
    e.RATCHET_MODEL,
  );
  const [api, apiSrc] = pick(saved.api, process.env.RATCHET_API ? e.RATCHET_API : undefined, e.RATCHET_API);
  const [contextWindow, cwSrc] = pick(saved.contextWindow, undefined, DEFAULT_CONTEXT_WINDOW);
  const [stepLimit, slSrc] = pick(
    saved.stepLimit,
    process.env.RATCHET_STEP_LIMIT ? e.RATCHET_STEP_LIMIT : undefined,
    e.RATCHET_STEP_LIMIT,
  );
  return {
    baseUrl,
    apiKey,
    model,
    api,
    provider: saved.provider ?? "auto",
    contextWindow,
    tiers: { fast: saved.fastModel ?? model, strong: saved.strongModel ?? null },
    stepLimit,
    // A local server (Ollama, llama.cpp) needs no key; OpenAI's default endpoint does.
    configured: Boolean(apiKey) || Boolean(baseUrl),
    sources: {
      baseUrl: baseUrlSrc,
      apiKey: apiKeySrc,
      model: modelSrc,
      api: apiSrc,
      contextWindow: cwSrc,
      stepLimit: slSrc,
    },
  };
}

export const MODEL_SETTINGS_KEY = "model";

export async function loadModelConfig(from?: SettingsSnapshot): Promise<ModelConfig> {
  return resolveModelConfig((await readSetting(MODEL_SETTINGS_KEY, modelSettingsSchema, from)) ?? {});
}

export async function saveModelSettings(patch: ModelSettings): Promise<void> {
  const current = (await readSetting("model", modelSettingsSchema)) ?? {};
  const next: ModelSettings = { ...current };
  for (const [key, value] of Object.entries(patch) as [keyof ModelSettings, unknown][]) {
    if (value === undefined) continue;
    (next as Record<string, unknown>)[key] = value === "" ? null : value;
  }
  await writeSettings({ model: next });
}

/** What the browser may see of a key: never the key itself. */
export function keyHint(apiKey: string | null): string | null {
  if (!apiKey) return null;
  if (apiKey.length < 12) return "••••";
  return `${apiKey.slice(0, 3)}…${apiKey.slice(-4)}`;
}
