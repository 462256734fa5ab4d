import { z } from "zod";
import { endpointOf, type ModelEndpoint } from "@/lib/model/client";
import type { ModelFacts, ModelFigures } from "@/lib/model/model-facts";

/** What the models route answers: the ids the endpoint lists, or why there are none. */
export interface ModelListReport {
  ok: boolean;
  models: string[];
  message: string;
  /** What the endpoint said of its models' windows and prices, for those it said anything of. */
  figures?: Record<string, ModelFigures>;
  /** Each listed model's figures as a turn would use them, with their source (the route adds them). */
  facts?: ModelFacts[];
}

/** A list longer than this is a catalogue (OpenRouter's is ~400); the rest stays free text. */
const MAX_MODELS = 1000;
/** The endpoint's answer is read up to this size: a hostile server cannot fill memory. */
const MAX_BYTES = 2 * 1024 * 1024;

/** A figure as a server spells it: a number, or (OpenRouter's prices) a decimal string. */
const figure = z
  .union([z.number(), z.string().max(40)])
  .optional()
  .catch(undefined);

const modelListSchema = z.object({
  data: z
    .array(
      z
        .object({
          id: z.string().min(1).max(200),
          // OpenRouter, LM Studio · Groq · vLLM name the window differently
          context_length: figure,
          context_window: figure,
          max_model_len: figure,
          max_context_length: figure,
          // OpenRouter: USD per token
          pricing: z
            .object({ prompt: figure, completion: figure, input_cache_read: figure })
            .loose()
            .optional()
            .catch(undefined),
        })
        .loose(),
    )
    .max(10_000),
});
type ListedModel = z.infer<typeof modelListSchema>["data"][number];

/** A number the endpoint sent, kept only inside the bounds Settings would accept from a person. */
function bounded(
  value: number | string | undefined,
  min: number,
  max: number,
  scale = 1,
): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value) * scale;
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/** What one listed model says of itself; a price counts only when both its halves are there. */
export function figuresOf(entry: ListedModel): ModelFigures | undefined {
  const out: ModelFigures = {};
  const window = [entry.context_length, entry.context_window, entry.max_model_len, entry.max_context_length]
    .map((v) => bounded(v, 1024, 10_000_000))
    .find((v) => v !== undefined);
  if (window !== undefined) out.contextWindow = Math.round(window);
  const input = bounded(entry.pricing?.prompt, 0, 10_000, 1_000_000);
  const output = bounded(entry.pricing?.completion, 0, 10_000, 1_000_000);
  if (input !== undefined && output !== undefined) {
    out.inputPerMTok = input;
    out.outputPerMTok = output;
    const cached = bounded(entry.pricing?.input_cache_read, 0, 10_000, 1_000_000);
    if (cached !== undefined) out.cachedInputPerMTok = cached;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Not JSON is `undefined`: the parser's message would quote the endpoint's bytes back to the page. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw new Error(`the answer is larger than ${MAX_BYTES / 1024 / 1024} MB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * GET {base URL}/models with the key the agent would use: the ids a person can pick from. Anything
 * the endpoint sends back is data to check, never to trust: read capped, parsed by schema, ids only.
 */
export async function listModels(
  config: Pick<ModelEndpoint, "baseUrl" | "apiKey">,
  timeoutMs = 10_000,
): Promise<ModelListReport> {
  const endpoint = endpointOf(config);
  const url = `${endpoint.replace(/\/+$/, "")}/models`;
  try {
    const response = await fetch(url, {
      headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return {
        ok: false,
        models: [],
        message: `${url} answered HTTP ${response.status}; type the model id instead.`,
      };
    }
    const parsed = modelListSchema.safeParse(parseJson(await readCapped(response)));
    if (!parsed.success) {
      return {
        ok: false,
        models: [],
        message: `${url} did not send an OpenAI-style model list; type the model id instead.`,
      };
    }
    const models = [...new Set(parsed.data.data.map((m) => m.id))].sort().slice(0, MAX_MODELS);
    const kept = new Set(models);
    // built as entries: an id such as "__proto__" is a key like any other, never the prototype
    const figures: Record<string, ModelFigures> = Object.fromEntries(
      parsed.data.data.flatMap((entry) => {
        const found = kept.has(entry.id) ? figuresOf(entry) : undefined;
        return found ? [[entry.id, found]] : [];
      }),
    );
    return {
      ok: true,
      models,
      figures,
      message: `${models.length} model${models.length === 1 ? "" : "s"} at ${endpoint}.`,
    };
  } catch (error) {
    const reason =
      (error as Error)?.name === "TimeoutError"
        ? `no answer within ${timeoutMs / 1000} s`
        : String((error as Error)?.message ?? error);
    return {
      ok: false,
      models: [],
      message: `Could not list the models at ${url} (${reason}); type the model id instead.`,
    };
  }
}
