import { generateText } from "ai";
import { type ModelEndpoint, modelClient } from "@/lib/model/client";

export interface ConnectionReport {
  ok: boolean;
  message: string;
  latencyMs: number;
}

/** Sends the smallest real request the agent would send: same endpoint, key, model and API style. */
export async function testConnection(config: ModelEndpoint, timeoutMs = 20_000): Promise<ConnectionReport> {
  const started = performance.now();
  const client = modelClient(config);
  const { endpoint } = client;
  try {
    const result = await generateText({
      model: client.model,
      prompt: "Reply with the single word: ok",
      maxOutputTokens: 16,
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    const latencyMs = Math.round(performance.now() - started);
    const said = result.text.trim().slice(0, 40);
    return {
      ok: true,
      latencyMs,
      message: `Connected to ${endpoint}: ${config.model} answered in ${latencyMs} ms${said ? ` ("${said}")` : ""}.`,
    };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    if ((error as Error)?.name === "TimeoutError" || (error as Error)?.name === "AbortError") {
      return { ok: false, latencyMs, message: `No answer from ${endpoint} within ${timeoutMs / 1000} s.` };
    }
    return { ok: false, latencyMs, message: client.describe(error).message };
  }
}
