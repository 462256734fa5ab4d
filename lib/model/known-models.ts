/**
 * Well-known models and what they are known to take and cost: Ratchet's own table, used only when
 * a person has not said and the endpoint does not say (./model-facts.ts). Prices are USD per million
 * tokens as the vendors list them (December 2026); an open-weight model has a context window but no
 * price here, because what it costs depends on who serves it (a local server: nothing; a host: its
 * list), so its price stays unknown until a person or the endpoint gives one.
 */
export interface KnownModel {
  id: string;
  contextWindow: number;
  inputPerMTok?: number;
  outputPerMTok?: number;
  /** Input tokens the endpoint read from its prompt cache. */
  cachedInputPerMTok?: number;
}

export const KNOWN_MODELS: readonly KnownModel[] = [
  { id: "gpt-5", contextWindow: 400_000, inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 },
  {
    id: "gpt-5-mini",
    contextWindow: 400_000,
    inputPerMTok: 0.25,
    outputPerMTok: 2,
    cachedInputPerMTok: 0.025,
  },
  {
    id: "gpt-5-nano",
    contextWindow: 400_000,
    inputPerMTok: 0.05,
    outputPerMTok: 0.4,
    cachedInputPerMTok: 0.005,
  },
  { id: "gpt-4.1", contextWindow: 1_047_576, inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
  {
    id: "gpt-4.1-mini",
    contextWindow: 1_047_576,
    inputPerMTok: 0.4,
    outputPerMTok: 1.6,
    cachedInputPerMTok: 0.1,
  },
  {
    id: "gpt-4.1-nano",
    contextWindow: 1_047_576,
    inputPerMTok: 0.1,
    outputPerMTok: 0.4,
    cachedInputPerMTok: 0.025,
  },
  { id: "gpt-4o", contextWindow: 128_000, inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 },
  {
    id: "gpt-4o-mini",
    contextWindow: 128_000,
    inputPerMTok: 0.15,
    outputPerMTok: 0.6,
    cachedInputPerMTok: 0.075,
  },
  { id: "o3", contextWindow: 200_000, inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
  { id: "o4-mini", contextWindow: 200_000, inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.275 },
  {
    id: "deepseek-chat",
    contextWindow: 128_000,
    inputPerMTok: 0.28,
    outputPerMTok: 0.42,
    cachedInputPerMTok: 0.028,
  },
  {
    id: "deepseek-reasoner",
    contextWindow: 128_000,
    inputPerMTok: 0.28,
    outputPerMTok: 0.42,
    cachedInputPerMTok: 0.028,
  },
  { id: "grok-4", contextWindow: 256_000, inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.75 },
  {
    id: "grok-code-fast-1",
    contextWindow: 256_000,
    inputPerMTok: 0.2,
    outputPerMTok: 1.5,
    cachedInputPerMTok: 0.02,
  },
  {
    id: "kimi-k2-0905-preview",
    contextWindow: 262_144,
    inputPerMTok: 0.6,
    outputPerMTok: 2.5,
    cachedInputPerMTok: 0.15,
  },
  {
    id: "claude-sonnet-4.5",
    contextWindow: 200_000,
    inputPerMTok: 3,
    outputPerMTok: 15,
    cachedInputPerMTok: 0.3,
  },
  {
    id: "claude-haiku-4.5",
    contextWindow: 200_000,
    inputPerMTok: 1,
    outputPerMTok: 5,
    cachedInputPerMTok: 0.1,
  },
  {
    id: "claude-opus-4.1",
    contextWindow: 200_000,
    inputPerMTok: 15,
    outputPerMTok: 75,
    cachedInputPerMTok: 1.5,
  },
  { id: "llama-3.3-70b-versatile", contextWindow: 131_072, inputPerMTok: 0.59, outputPerMTok: 0.79 },
  // open weights: served anywhere, priced by whoever serves them
  { id: "gpt-oss-120b", contextWindow: 131_072 },
  { id: "gpt-oss-20b", contextWindow: 131_072 },
  { id: "qwen3-coder", contextWindow: 262_144 },
  { id: "llama3.1", contextWindow: 131_072 },
];

/** A model id as a gateway or a local server spells it: "openai/gpt-5", "gpt-oss:20b", "gpt-4o-2024-08-06". */
function spellings(model: string): string[] {
  const bare = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
  const untagged = bare.includes(":") ? bare.slice(0, bare.indexOf(":")) : bare;
  const undated = untagged.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, "");
  // Ollama's size tag is part of the name elsewhere: "gpt-oss:20b" is "gpt-oss-20b"
  const sized = bare.replace(":", "-");
  return [...new Set([model, bare, sized, untagged, undated])];
}

/**
 * The table's entry for a model id: the exact id first, then the id without a gateway prefix, an
 * Ollama-style tag or a release date. Never a mere prefix: "gpt-4o-mini" is not "gpt-4o".
 */
export function findKnownModel(
  model: string,
  table: readonly KnownModel[] = KNOWN_MODELS,
): KnownModel | undefined {
  for (const id of spellings(model.trim())) {
    const hit = table.find((k) => k.id === id);
    if (hit) return hit;
  }
  return undefined;
}

/** The same spellings, for a person's own price rows (./prices.ts). */
export function matchesModel(id: string, model: string): boolean {
  return spellings(model.trim()).includes(id);
}
