/**
 * The servers people bring, as Settings offers them: where each listens by default, which API it
 * speaks best, whether it needs a key. Choosing one fills the form; every value stays editable.
 */
import type { ModelProvider } from "@/lib/model/client";

export interface EndpointPreset {
  id: string;
  label: string;
  baseUrl: string;
  api: "chat" | "responses";
  provider: ModelProvider;
  keyNeeded: boolean;
  /** What a person should know when choosing it. */
  note: string;
}

export const ENDPOINT_PRESETS: readonly EndpointPreset[] = [
  {
    id: "openai",
    label: "OpenAI",
    baseUrl: "https://api.openai.com/v1",
    api: "responses",
    provider: "openai",
    keyNeeded: true,
    note: "Responses API: reasoning summaries of reasoning models are shown.",
  },
  {
    id: "ollama",
    label: "Ollama",
    baseUrl: "http://127.0.0.1:11434/v1",
    api: "chat",
    provider: "compatible",
    keyNeeded: false,
    note: "Thinking models stream their reasoning; pick a model you have pulled.",
  },
  {
    id: "llama-cpp",
    label: "llama.cpp server",
    baseUrl: "http://127.0.0.1:8080/v1",
    api: "chat",
    provider: "compatible",
    keyNeeded: false,
    note: "Start llama-server with --jinja for tool calls; --reasoning-format deepseek streams reasoning.",
  },
  {
    id: "vllm",
    label: "vLLM",
    baseUrl: "http://127.0.0.1:8000/v1",
    api: "chat",
    provider: "compatible",
    keyNeeded: false,
    note: "Serve with --enable-auto-tool-choice and a --reasoning-parser for reasoning.",
  },
  {
    id: "lm-studio",
    label: "LM Studio",
    baseUrl: "http://127.0.0.1:1234/v1",
    api: "responses",
    provider: "compatible",
    keyNeeded: false,
    note: "Its Responses API streams the full reasoning of gpt-oss and other thinking models.",
  },
  {
    id: "openrouter",
    label: "OpenRouter",
    baseUrl: "https://openrouter.ai/api/v1",
    api: "chat",
    provider: "compatible",
    keyNeeded: true,
    note: "Model ids name their vendor, e.g. deepseek/deepseek-chat.",
  },
  {
    id: "groq",
    label: "Groq",
    baseUrl: "https://api.groq.com/openai/v1",
    api: "chat",
    provider: "compatible",
    keyNeeded: true,
    note: "Reasoning models stream their reasoning as `reasoning`.",
  },
  {
    id: "deepseek",
    label: "DeepSeek",
    baseUrl: "https://api.deepseek.com/v1",
    api: "chat",
    provider: "compatible",
    keyNeeded: true,
    note: "deepseek-reasoner streams its reasoning; it is sent back only within a turn.",
  },
];
