import { COOKIE_NAME, cookieValue } from "./token";

const THIRTY_DAYS = 60 * 60 * 24 * 30;

/**
 * The login cookie: the owner's by default, or a team member's value from userCookieValue().
 * Secure when the browser reached us over HTTPS (a TLS reverse proxy says so in X-Forwarded-Proto).
 */
export function sessionCookie(opts: { value?: string; secure?: boolean } = {}): string {
  const secure = opts.secure ? "; Secure" : "";
  return `${COOKIE_NAME}=${opts.value ?? cookieValue()}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${THIRTY_DAYS}${secure}`;
}

export function clearedCookie(): string {
  return `${COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}

/** True when the request came over HTTPS, directly or through a proxy that terminated TLS. */
export function servedOverHttps(request: Request): boolean {
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https" || new URL(request.url).protocol === "https:";
}
