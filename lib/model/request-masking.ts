import { accessToken } from "@/lib/auth/token";
import { collectSecrets, maskSecrets } from "@/lib/sandbox";

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

/** Masks every string in a parsed JSON value (keys too); `changed` tells whether anything was. */
function maskJson(value: unknown, literals: string[], changed: { value: boolean }): unknown {
  if (typeof value === "string") {
    const masked = maskSecrets(value, literals);
    if (masked !== value) changed.value = true;
    return masked;
  }
  if (Array.isArray(value)) return value.map((item) => maskJson(item, literals, changed));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      maskJson(k, literals, changed) as string,
      maskJson(v, literals, changed),
    ]),
  );
}

/**
 * The request body with every secret masked: system prompt, messages, tool results, tool
 * descriptions and schemas alike. JSON is masked string by string, so an escaped secret (`\"`,
 * `\\`, `\n` in it) is found as well; anything else is masked as text.
 */
export function maskRequestBody(body: string, secrets: string[]): string {
  const literals = spellings(secrets.filter((s) => s.length > 0));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return maskSecrets(body, literals);
  }
  const changed = { value: false };
  const masked = maskJson(parsed, literals, changed);
  return changed.value ? JSON.stringify(masked) : body;
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
  const masked = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (input instanceof Request && input.body !== null)
      throw new Error("Refusing to send a model request whose body cannot be masked.");
    if (init?.body === undefined || init.body === null) return fetchImpl(input, init);
    const text = bodyText(init.body);
    if (text === null) throw new Error("Refusing to send a model request whose body cannot be masked.");
    const body = maskRequestBody(text, secrets);
    onSent?.(body);
    return fetchImpl(input, { ...init, body });
  };
  return masked as typeof fetch;
}
