import { userByToken } from "@/lib/team/users";
import { sessionCookie } from "./cookie";
import { accessToken, safeEqual, userCookieValue } from "./token";

/** The Set-Cookie header that logs in whoever holds `token` (the owner or an enabled team member), or null. */
export async function loginCookieFor(token: string, secure = false): Promise<string | null> {
  if (safeEqual(token, accessToken())) return sessionCookie({ secure });
  const row = await userByToken(token);
  if (!row || row.disabledAt) return null;
  return sessionCookie({ value: userCookieValue(row.id, row.tokenHash), secure });
}
