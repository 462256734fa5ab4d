import { APICallError, StreamProviderError } from "ai";
import { findModelTimeout, formatSeconds } from "./timeout";

export interface DescribedError {
  code: string;
  message: string;
}

/** The codes and messages along an error's cause chain ("fetch failed" hides ECONNREFUSED two levels down). */
function causeText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const { code, message, cause } = current as { code?: string; message?: string; cause?: unknown };
    parts.push(code ?? "", message ?? "");
    current = cause;
  }
  return parts.filter(Boolean).join(" ");
}

function apiMessage(error: APICallError): string {
  try {
    const body = JSON.parse(error.responseBody ?? "");
    return body?.error?.message ?? error.message;
  } catch {
    return error.message;
  }
}

function findApiError(error: unknown): APICallError | undefined {
  if (APICallError.isInstance(error)) return error;
  const errors = (error as { errors?: unknown[] })?.errors;
  const last = Array.isArray(errors) ? errors.at(-1) : undefined;
  if (last && APICallError.isInstance(last)) return last;
  const cause = (error as { cause?: unknown })?.cause;
  return cause && APICallError.isInstance(cause) ? cause : undefined;
}

/** What the endpoint itself said went wrong: the `code`/`type` of its error object, wherever it sits. */
interface ProviderError {
  /** The error's code, else its type: what the message names. */
  code: string;
  /** Code and type together: what the kinds are matched on. */
  names: string;
  message: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

/**
 * The error object of an HTTP error body or of a stream's error frame: `{error: {...}}` (Chat
 * Completions, most servers), `{type: "error", code, message}` and `{type: "response.failed",
 * response: {error}}` (Responses). Read from the bytes the endpoint sent, never from the status the
 * SDK derived from them (it files `insufficient_quota` under 429).
 */
function providerError(body: unknown): ProviderError | undefined {
  const frame = asRecord(body);
  const inner =
    asRecord(frame?.error) ??
    asRecord(asRecord(frame?.response)?.error) ??
    (frame && "code" in frame ? frame : undefined);
  if (!inner) return undefined;
  const named = [inner.code, inner.type].filter((v) => typeof v === "string" || typeof v === "number");
  if (!named.length) return undefined;
  // the endpoint's sentence, without the full stop ours adds
  const message = typeof inner.message === "string" ? inner.message.trim().replace(/\.$/, "") : "";
  return { code: String(named[0]), names: named.join(" "), message };
}

/** An APICallError's body as the endpoint sent it (the SDK keeps it parsed in `data`, or as text). */
function apiBody(api: APICallError): unknown {
  if (api.data !== undefined) return api.data;
  try {
    return JSON.parse(api.responseBody ?? "");
  } catch {
    return undefined;
  }
}

/**
 * Where the endpoint said what failed: an HTTP error body (`HTTP 429`), or an error frame inside a
 * 200 stream, which `@ai-sdk/openai` wraps in an APICallError with a status of its own invention
 * and `@ai-sdk/openai-compatible` passes on as the bare error object.
 */
function saidByEndpoint(error: unknown): { said: ProviderError; where: string } | undefined {
  const api = findApiError(error);
  if (api) {
    const said = providerError(apiBody(api));
    if (!said) return undefined;
    const streamed = /event-stream/i.test(api.responseHeaders?.["content-type"] ?? "");
    return { said, where: streamed ? "in the middle of its answer" : `HTTP ${api.statusCode}` };
  }
  // an error frame inside a 200 stream, as the SDK passes it on: its code and type are the frame's
  const frame = StreamProviderError.isInstance(error) ? error : undefined;
  const said =
    frame && providerError({ error: { code: frame.code, type: frame.type, message: frame.message } });
  return said && { said, where: "in the middle of its answer" };
}

/** The endpoint's own words about what failed, by kind, matched on its error code and type. */
const PROVIDER_KINDS: {
  code: string;
  pattern: RegExp;
  says: (detail: string, endpoint: string) => string;
  /** Only inside a stream: an HTTP 429 has been retried and is said so below. */
  streamOnly?: boolean;
}[] = [
  {
    code: "model_quota",
    pattern: /insufficient_quota|quota_exceeded|billing|insufficient_balance|credit|payment_required/i,
    says: (detail, endpoint) =>
      `The account at ${endpoint} has no quota or credit left${detail}. Add credit or use another key in Settings; retrying will not help.`,
  },
  {
    code: "model_context_overflow",
    pattern:
      /context_length_exceeded|context_window|maximum context length|too many tokens|prompt is too long/i,
    says: (detail) =>
      `The conversation no longer fits the model's context window${detail}. Lower the context window in Settings or start a new session.`,
  },
  {
    code: "model_content_filter",
    pattern: /content_filter|content_policy|safety|moderation/i,
    says: (detail) => `The model endpoint refused the request under its content policy${detail}.`,
  },
  {
    code: "model_overloaded",
    pattern: /overloaded|server_busy|capacity|unavailable/i,
    says: (detail, endpoint) =>
      `The model endpoint ${endpoint} is overloaded${detail}. Send the message again in a while.`,
  },
  {
    code: "model_rate_limited",
    streamOnly: true,
    pattern: /rate_limit|rate limit|too_many_requests|tokens_per_min|requests_per_min/i,
    says: (detail) =>
      `The model endpoint is rate limiting requests${detail}. Wait a moment and send the message again.`,
  },
];

/** A failure the endpoint named by its code: quota, context, content policy, overload, rate limit. */
function describeProviderError(error: unknown, endpoint: string): DescribedError | undefined {
  const found = saidByEndpoint(error);
  if (!found) return undefined;
  const { said, where } = found;
  const streamed = !where.startsWith("HTTP");
  for (const kind of PROVIDER_KINDS) {
    if (!kind.pattern.test(said.names) || (kind.streamOnly && !streamed)) continue;
    const detail = ` (${said.code}, ${where})${said.message ? `: ${said.message}` : ""}`;
    return { code: kind.code, message: kind.says(detail, endpoint) };
  }
  // an error frame we have no kind for still says what it is, not "rate limiting"
  if (streamed) {
    return {
      code: "model_error",
      message: `The model endpoint ${endpoint} reported an error in the middle of its answer (${said.code})${said.message ? `: ${said.message}` : ""}`,
    };
  }
  return undefined;
}

/** Turns any model call failure into one sentence a person can act on. */
export function describeModelError(error: unknown, endpoint: string, model: string): DescribedError {
  const timeout = findModelTimeout(error);
  if (timeout) {
    const silence = formatSeconds(timeout.timeoutMs);
    return {
      code: "model_timeout",
      message:
        timeout.phase === "headers"
          ? `The model endpoint ${endpoint} sent nothing for ${silence} after the request (not even response headers); the turn was stopped. The server may be overloaded or still loading the model. Send a message to try again; RATCHET_MODEL_TIMEOUT_SECONDS sets the limit.`
          : `The model endpoint ${endpoint} sent nothing for ${silence} in the middle of its answer; the turn was stopped. Send a message to try again; RATCHET_MODEL_TIMEOUT_SECONDS sets the limit.`,
    };
  }
  const named = describeProviderError(error, endpoint);
  if (named) return named;
  const found = findApiError(error);
  // a 200 whose body broke off is a stream failure, not an HTTP error
  const api = found?.statusCode && found.statusCode >= 300 ? found : undefined;
  if (api?.statusCode === 401 || api?.statusCode === 403) {
    return {
      code: "model_auth",
      message: `The model endpoint ${endpoint} rejected the API key (HTTP ${api.statusCode}). Check the key in Settings.`,
    };
  }
  if (api?.statusCode === 404) {
    return {
      code: "model_not_found",
      message: `Model "${model}" was not found at ${endpoint} (HTTP 404): ${apiMessage(api)}. Check the model id in Settings.`,
    };
  }
  if (api?.statusCode === 429) {
    return {
      code: "model_rate_limited",
      message: `The model endpoint is rate limiting requests (HTTP 429) and retries did not get through: ${apiMessage(api)}`,
    };
  }
  if (api?.statusCode && api.statusCode >= 500) {
    return {
      code: "model_server_error",
      message: `The model endpoint failed (HTTP ${api.statusCode}): ${apiMessage(api)}`,
    };
  }
  if (api?.statusCode) {
    return {
      code: "model_error",
      message: `The model endpoint returned HTTP ${api.statusCode}: ${apiMessage(api)}`,
    };
  }
  // a line Ratchet could not parse says nothing about the connection, whatever its text contains
  const name = (error as Error)?.name ?? "";
  if (/JSONParse|TypeValidation|InvalidResponse|NoContentGenerated|EmptyResponseBody/i.test(name)) {
    return {
      code: "model_bad_response",
      message: `The model endpoint sent a response Ratchet could not read (${name}). Is it OpenAI-compatible, and is the API style (chat/responses) right?`,
    };
  }
  const text = causeText(error);
  if (/ECONNREFUSED/.test(text)) {
    return {
      code: "model_unreachable",
      message: `Could not connect to the model endpoint ${endpoint} (connection refused). Is the server running?`,
    };
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) {
    return {
      code: "model_unreachable",
      message: `Could not resolve the model endpoint ${endpoint}. Check the base URL in Settings.`,
    };
  }
  if (/Cannot connect to API/.test(text)) {
    return {
      code: "model_unreachable",
      message: `Could not connect to the model endpoint ${endpoint}: ${text.replace(/^.*Cannot connect to API:?\s*/, "").slice(0, 200)}`,
    };
  }
  if (/fetch failed|ECONNRESET|socket|terminated|other side closed/i.test(text)) {
    return {
      code: "model_connection_lost",
      message: `The connection to the model endpoint ${endpoint} failed mid-response: ${text.trim()}`,
    };
  }
  return {
    code: "model_error",
    message: `The model call failed: ${(error as Error)?.message ?? String(error)}`,
  };
}
