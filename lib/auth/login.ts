import { hashToken, userByToken } from "@/lib/team/users";
import { sessionCookie } from "./cookie";
import { authLimiter } from "./limiter";
import { type LoginSubject, startSession } from "./sessions";
import { accessToken, safeEqual } from "./token";

async function subjectOf(token: string): Promise<LoginSubject | null> {
  if (safeEqual(token, accessToken())) return { kind: "owner" };
  const row = await userByToken(token);
  if (!row || row.disabledAt) return null;
  return { kind: "user", id: row.id, tokenHash: hashToken(token) };
}

/**
 * Logs in whoever holds `token` (the owner or an enabled team member): a new session, and the
 * Set-Cookie header that carries it; null for a wrong token. 429 while token guesses are locked out.
 */
export async function loginCookieFor(token: string, secure = false): Promise<string | null> {
  authLimiter().check("token");
  const subject = await subjectOf(token);
  if (!subject) {
    authLimiter().recordFailure("token");
    return null;
  }
  return sessionCookie(await startSession(subject), { secure });
}

/** The one-time link's login: always the owner's. */
export async function ownerLoginCookie(secure = false): Promise<string> {
  return sessionCookie(await startSession({ kind: "owner" }), { secure });
}
