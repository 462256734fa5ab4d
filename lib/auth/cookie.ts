import type { NewSession } from "./sessions";
import { COOKIE_NAME } from "./token";

/**
 * The login cookie: the session's random value, living as long as the session does.
 * Secure when the browser reached us over HTTPS (a TLS reverse proxy says so in X-Forwarded-Proto).
 */
export function sessionCookie(session: NewSession, opts: { secure?: boolean; now?: Date } = {}): string {
  const secure = opts.secure ? "; Secure" : "";
  const now = (opts.now ?? new Date()).getTime();
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - now) / 1000));
  return `${COOKIE_NAME}=${session.secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure}`;
}

export function clearedCookie(): string {
  return `${COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}

/** The login cookie's value in a request, if any. */
export function readSessionCookie(headers: Headers): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === COOKIE_NAME) return v.join("=");
  }
  return undefined;
}

/** True when the request came over HTTPS, directly or through a proxy that terminated TLS. */
export function servedOverHttps(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https" || new URL(request.url).protocol === "https:";
}
