import { accessToken } from "@/lib/auth/token";
import { collectSecrets, secretMasker } from "@/lib/sandbox";

/**
 * Every secret the server holds that must never reach a model: the configured API key, the access
 * token, the values of secret-looking variables and the passwords in URL-valued ones (token formats
 * such as `sk-…` and `user:password@` in URLs are masked by pattern besides).
 */
export function modelSecrets(apiKey: string | null): string[] {
  let token = "";
  try {
    token = accessToken();
  } catch (error) {
    // without a readable token file there is no token to leak; everything else is still masked
    console.error("[ratchet] could not read the access token to mask it", error);
  }
  return collectSecrets(process.env, [apiKey ?? "", token]);
}

/**
 * A secret as it appears inside JSON text: once escaped in a string value, twice in a JSON document
 * carried as a string (a tool call's arguments).
 */
function spellings(secrets: string[]): string[] {
  const inJson = (s: string) => JSON.stringify(s).slice(1, -1);
  return [...new Set(secrets.flatMap((s) => [s, inJson(s), inJson(inJson(s))]))];
}

type Mask = (text: string) => string;

/**
 * Every string in a parsed JSON value masked (keys too). What has nothing to mask comes back as the
 * same value, so a request without secrets is walked, not copied.
 */
function maskJson(value: unknown, mask: Mask): unknown {
  if (typeof value === "string") return mask(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, i) => {
      const masked = maskJson(item, mask);
      if (masked === item) return;
      copy ??= [...value];
      copy[i] = masked;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let entries: [string, unknown][] | null = null;
  keys.forEach((key, i) => {
    const item = record[key];
    const maskedKey = mask(key);
    const masked = maskJson(item, mask);
    if (!entries && (maskedKey !== key || masked !== item))
      entries = keys.slice(0, i).map((before) => [before, record[before]]);
    entries?.push([maskedKey, masked]);
  });
  return entries ? Object.fromEntries(entries) : value;
}

/**
 * The request body with every secret masked: system prompt, messages, tool results, tool
 * descriptions and schemas alike. JSON is masked string by string, so an escaped secret (`\"`,
 * `\\`, `\n` in it) is found as well; anything else is masked as text.
 */
export function maskRequestBody(body: string, secrets: string[]): string {
  return requestBodyMasker(secrets)(body);
}

/** maskRequestBody with its secrets' spellings worked out once, for every request of a client. */
function requestBodyMasker(secrets: string[]): (body: string) => string {
  const mask = secretMasker(spellings(secrets.filter((s) => s.length > 0)));
  return (body) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return mask(body);
    }
    const masked = maskJson(parsed, mask);
    return masked === parsed ? body : JSON.stringify(masked);
  };
}

function bodyText(body: NonNullable<RequestInit["body"]>): string | null {
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  if (ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
  return null;
}

/**
 * The one choke point between Ratchet and a model endpoint: every request body passes the masker
 * before it leaves. A body that cannot be read as text (a stream, a form) is refused, not sent
 * unmasked. Headers are left alone: the endpoint's own key travels there on purpose.
 */
export function withMaskedRequests(
  fetchImpl: typeof fetch,
  secrets: string[],
  /** Told each body exactly as it leaves, masked (what the model saw, lib/model/requests.ts). */
  onSent?: (body: string) => void,
): typeof fetch {
  const maskBody = requestBodyMasker(secrets);
  const masked = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (input instanceof Request && input.body !== null)
      throw new Error("Refusing to send a model request whose body cannot be masked.");
    if (init?.body === undefined || init.body === null) return fetchImpl(input, init);
    const text = bodyText(init.body);
    if (text === null) throw new Error("Refusing to send a model request whose body cannot be masked.");
    const body = maskBody(text);
    onSent?.(body);
    return fetchImpl(input, { ...init, body });
  };
  return masked as typeof fetch;
}
