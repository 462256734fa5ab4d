import { z } from "zod";
import { endpointOf, type ModelEndpoint } from "@/lib/model/client";

/** What the models route answers: the ids the endpoint lists, or why there are none. */
export interface ModelListReport {
  ok: boolean;
  models: string[];
  message: string;
}

/** A list longer than this is a catalogue (OpenRouter's is ~400); the rest stays free text. */
const MAX_MODELS = 1000;
/** The endpoint's answer is read up to this size: a hostile server cannot fill memory. */
const MAX_BYTES = 2 * 1024 * 1024;

const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string().min(1).max(200) }).loose()).max(10_000),
});

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
    return {
      ok: true,
      models,
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
