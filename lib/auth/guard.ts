import { ApiError } from "@/lib/api/errors";
import { env } from "@/lib/env";
import { accessToken, COOKIE_NAME, cookieValue, safeEqual } from "./token";

export function allowedHosts(): Set<string> {
  const { PORT, RATCHET_ALLOWED_HOSTS } = env();
  const hosts = [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`];
  for (const h of (RATCHET_ALLOWED_HOSTS ?? "").split(",")) if (h.trim()) hosts.push(h.trim().toLowerCase());
  return new Set(hosts);
}

/** DNS rebinding defence: the Host header must name this server, checked before anything else. */
export function checkHost(headers: Headers): void {
  const host = headers.get("host")?.toLowerCase();
  if (!host || !allowedHosts().has(host)) {
    throw new ApiError(
      "forbidden",
      "Host not allowed. Open Ratchet through the address it printed at start.",
    );
  }
}

function readCookie(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

export type AuthMethod = "bearer" | "cookie";

export function authenticate(headers: Headers): AuthMethod {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match?.[1] && safeEqual(match[1].trim(), accessToken())) return "bearer";
    throw new ApiError("unauthorized", "Invalid access token.");
  }
  const cookie = readCookie(headers, COOKIE_NAME);
  if (cookie && safeEqual(cookie, cookieValue())) return "cookie";
  throw new ApiError(
    "unauthorized",
    "Authentication required: send Authorization: Bearer <token> or log in.",
  );
}

/**
 * CSRF defence for state-changing requests. A browser always sends Origin on a
 * cross-site POST; with cookie auth a missing or "null" Origin is refused too.
 */
export function checkOrigin(headers: Headers, method: AuthMethod): void {
  const origin = headers.get("origin");
  if (origin === null) {
    if (method === "cookie") throw new ApiError("forbidden", "Missing Origin header.");
    return;
  }
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    throw new ApiError("forbidden", "Origin not allowed.");
  }
  if (origin === "null" || !allowedHosts().has(host)) throw new ApiError("forbidden", "Origin not allowed.");
}

/** Everything a protected handler checks, in order: Host, credentials, Origin (mutations). */
export function guardRequest(request: Request, opts: { mutation: boolean }): AuthMethod {
  checkHost(request.headers);
  const method = authenticate(request.headers);
  if (opts.mutation) checkOrigin(request.headers, method);
  return method;
}
