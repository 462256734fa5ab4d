/**
 * Row 32 (docs/security.md): logins are random server-side sessions that end at logout,
 * expiry, a disabled user, a token reset, or a change of the install's token.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/errors";
import { createUser, resetUserToken, updateUser } from "@/lib/team/users";
import { authenticate, LOGIN_ENDED } from "./guard";
import { loginCookieFor } from "./login";
import {
  endSession,
  SESSION_TTL_MS,
  sessionActor,
  sessionFromCookie,
  sessionIdOf,
  startSession,
} from "./sessions";
import { accessToken } from "./token";

const TOKEN = process.env.RATCHET_TOKEN ?? "";
const unique = () => Math.random().toString(36).slice(2, 10);

function secretOf(setCookie: string | null): string {
  const value = /^ratchet_session=([^;]+)/.exec(setCookie ?? "")?.[1];
  if (!value) throw new Error(`no cookie in ${setCookie}`);
  return value;
}

const withCookie = (secret: string) => new Headers({ cookie: `ratchet_session=${secret}` });

async function refusal(secret: string): Promise<string> {
  try {
    await authenticate(withCookie(secret));
  } catch (error) {
    if (error instanceof ApiError) return `${error.status} ${error.message}`;
    throw error;
  }
  return "accepted";
}

describe("a login", () => {
  it("gets a new random cookie every time, stored only as its sha256", async () => {
    const secrets = await Promise.all(
      Array.from({ length: 5 }, async () => secretOf(await loginCookieFor(TOKEN))),
    );
    expect(new Set(secrets).size).toBe(5);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await db().authSession.findUnique({ where: { id: sessionIdOf(secret) } });
      expect(row).toMatchObject({ userId: null, revokedAt: null });
      expect(JSON.stringify(row)).not.toContain(secret);
      expect((await authenticate(withCookie(secret))).actor.kind).toBe("owner");
    }
  });

  it("says how long it lives in the cookie, and ends after 30 days however much it is used", async () => {
    const cookie = await loginCookieFor(TOKEN, true);
    expect(cookie).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+; Secure$/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie ?? "")?.[1]);
    expect(SESSION_TTL_MS / 1000 - maxAge).toBeLessThanOrEqual(2);
    const id = sessionIdOf(secretOf(cookie));
    const created = (await db().authSession.findUniqueOrThrow({ where: { id } })).createdAt.getTime();
    expect(await sessionActor(id, new Date(created + SESSION_TTL_MS - 60_000))).not.toBeNull();
    expect(await sessionActor(id, new Date(created + SESSION_TTL_MS + 1000))).toBeNull();
  });

  it("is dead after logout, for this cookie only", async () => {
    const a = secretOf(await loginCookieFor(TOKEN));
    const b = secretOf(await loginCookieFor(TOKEN));
    await endSession(sessionIdOf(a));
    expect(await refusal(a)).toBe(`401 ${LOGIN_ENDED}`);
    expect(await refusal(b)).toBe("accepted");
  });

  it("of a team member ends when they are disabled (for good) or their token is reset", async () => {
    const { user, token } = await createUser({ name: `sal-${unique()}`, role: "member" });
    const first = secretOf(await loginCookieFor(token));
    await updateUser(user.id, { disabled: true });
    expect(await refusal(first)).toMatch(/^401/);
    await updateUser(user.id, { disabled: false });
    expect(await refusal(first)).toMatch(/^401/);
    const second = secretOf(await loginCookieFor(token));
    expect(await refusal(second)).toBe("accepted");
    const { token: newToken } = await resetUserToken(user.id);
    expect(await refusal(second)).toMatch(/^401/);
    expect(await loginCookieFor(token)).toBeNull();
    expect(await refusal(secretOf(await loginCookieFor(newToken)))).toBe("accepted");
  });

  it("ends when the install's token changes (RATCHET_TOKEN rotated), on every instance since the row says so", async () => {
    const secret = secretOf(await loginCookieFor(TOKEN));
    accessToken.set(`rotated-${"r".repeat(40)}`);
    try {
      expect(await refusal(secret)).toMatch(/^401/);
    } finally {
      accessToken.set(TOKEN);
    }
    expect(await refusal(secret)).toBe("accepted");
  });

  it("is refused when its row was made with another credential than the user's token", async () => {
    const { user } = await createUser({ name: `eve-${unique()}`, role: "admin" });
    const { secret } = await startSession({ kind: "user", id: user.id, tokenHash: "0".repeat(64) });
    expect(await refusal(secret)).toMatch(/^401/);
  });

  it("ignores cookie values of any other shape without looking them up", async () => {
    for (const value of [
      "",
      "x",
      `${"a".repeat(42)}=`,
      "a".repeat(44),
      `${"a".repeat(21)}.${"b".repeat(21)}`,
    ]) {
      expect(await sessionFromCookie(value)).toBeNull();
    }
  });

  it("deletes expired rows when someone logs in", async () => {
    const { secret } = await startSession({ kind: "owner" }, new Date(Date.now() - SESSION_TTL_MS - 60_000));
    const id = sessionIdOf(secret);
    expect(await db().authSession.findUnique({ where: { id } })).not.toBeNull();
    await loginCookieFor(TOKEN);
    expect(await db().authSession.findUnique({ where: { id } })).toBeNull();
  });
});
