import { APICallError } from "ai";
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
  const name = (error as Error)?.name ?? "";
  if (/JSONParse|TypeValidation|InvalidResponse|NoContentGenerated|EmptyResponseBody/i.test(name)) {
    return {
      code: "model_bad_response",
      message: `The model endpoint sent a response Ratchet could not read (${name}). Is it OpenAI-compatible, and is the API style (chat/responses) right?`,
    };
  }
  return {
    code: "model_error",
    message: `The model call failed: ${(error as Error)?.message ?? String(error)}`,
  };
}
