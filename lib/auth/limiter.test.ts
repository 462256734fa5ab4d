/**
 * Row 34 (docs/security.md): failed sign-ins are slowed to 10 a minute, with 429 and
 * Retry-After, whatever the client claims to be, with no oracle, while a logged-in browser keeps working.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { route } from "@/lib/api/handler";
import { createUser } from "@/lib/team/users";
import { authLimiter, BURST, FailureLimiter, REFILL_MS } from "./limiter";
import { loginCookieFor } from "./login";

const TOKEN = process.env.RATCHET_TOKEN ?? "";
const HOST = "127.0.0.1:3000";
const unique = () => Math.random().toString(36).slice(2, 10);

let now = 0;

beforeEach(() => {
  now = 1_000_000;
  authLimiter.set(new FailureLimiter(() => now));
});

const whoami = route(async (_request, _params, { actor }) => Response.json({ name: actor.name }));

function call(headers: Record<string, string>): Promise<Response> {
  return whoami(new Request(`http://${HOST}/api/users/me`, { headers: { host: HOST, ...headers } }), {
    params: Promise.resolve({}),
  });
}

async function outcome(headers: Record<string, string>) {
  const res = await call(headers);
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function exhaust(): Promise<void> {
  for (let i = 0; i < BURST; i++) {
    const res = await outcome({
      ...bearer(`wrong-${i}-${"x".repeat(32)}`),
      "x-forwarded-for": `198.51.100.${i}`,
    });
    expect(res.status).toBe(401);
  }
}

describe("the failure limiter", () => {
  it("allows a burst of 10 failures, then one more every 6 s, and says when in seconds", () => {
    const limiter = new FailureLimiter(() => now);
    for (let i = 0; i < BURST; i++) {
      expect(limiter.retryAfterMs("token")).toBe(0);
      limiter.recordFailure("token");
    }
    expect(limiter.retryAfterMs("token")).toBe(REFILL_MS);
    expect(() => limiter.check("token")).toThrow(/try again in 6 s/);
    now += REFILL_MS / 2;
    expect(limiter.retryAfterMs("token")).toBe(REFILL_MS / 2);
    now += REFILL_MS / 2;
    expect(limiter.retryAfterMs("token")).toBe(0);
    limiter.recordFailure("token");
    expect(limiter.retryAfterMs("token")).toBe(REFILL_MS);
    // the kinds are separate: guessing tokens leaves the one-time link alone
    expect(limiter.retryAfterMs("login-code")).toBe(0);
    now += BURST * REFILL_MS * 10;
    for (let i = 0; i < BURST; i++) limiter.recordFailure("token");
    expect(limiter.retryAfterMs("token")).toBeGreaterThan(0);
  });

  it("answers 429 with Retry-After after 10 wrong tokens, whatever x-forwarded-for says", async () => {
    await exhaust();
    const spoofs: Record<string, string>[] = [
      {},
      { "x-forwarded-for": "203.0.113.7" },
      { "x-forwarded-for": "127.0.0.1" },
      { "x-real-ip": "203.0.113.8" },
      { forwarded: "for=192.0.2.60" },
    ];
    for (const spoof of spoofs) {
      const res = await outcome({ ...bearer(`wrong-again-${"y".repeat(32)}`), ...spoof });
      expect(res.status).toBe(429);
      expect(res.retryAfter).toBe("6");
      expect(JSON.parse(res.body).error.code).toBe("too_many_requests");
    }
  });

  it("gives no oracle: during the lockout the right token gets exactly the wrong one's answer, by header and by login", async () => {
    const member = await createUser({ name: `ora-${unique()}`, role: "viewer" });
    await exhaust();
    const wrong = await outcome(bearer(`wrong-${"z".repeat(40)}`));
    expect(wrong.status).toBe(429);
    expect(await outcome(bearer(TOKEN))).toEqual(wrong);
    expect(await outcome(bearer(member.token))).toEqual(wrong);
    await expect(loginCookieFor(TOKEN)).rejects.toMatchObject({ status: 429 });
    await expect(loginCookieFor("not-the-token")).rejects.toMatchObject({ status: 429 });
    // and once the wait is over, the right token works again (and a success costs nothing)
    now += REFILL_MS;
    for (let i = 0; i < 3; i++) expect((await outcome(bearer(TOKEN))).status).toBe(200);
    expect(await loginCookieFor(TOKEN)).toMatch(/^ratchet_session=/);
  });

  it("counts malformed credentials and wrong logins as failures too", async () => {
    const attempts = [
      { authorization: "Bearer " },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` },
      { authorization: "token" },
    ];
    for (let i = 0; i < BURST; i++) {
      const attempt = attempts[i % attempts.length] ?? {};
      if (i % 2) expect((await outcome(attempt)).status).toBe(401);
      else expect(await loginCookieFor(`nope-${i}`)).toBeNull();
    }
    expect((await outcome(bearer(TOKEN))).status).toBe(429);
  });

  it("leaves a logged-in browser working through the lockout", async () => {
    const cookie = /^(ratchet_session=[^;]+)/.exec((await loginCookieFor(TOKEN)) ?? "")?.[1] ?? "";
    expect(cookie).not.toBe("");
    // a forged cookie is a plain 401 and locks nobody out: no rate of guessing finds 32 random bytes
    for (let i = 0; i < BURST * 3; i++) {
      expect((await outcome({ cookie: `ratchet_session=${"f".repeat(43)}` })).status).toBe(401);
    }
    expect((await outcome(bearer(TOKEN))).status).toBe(200);
    await exhaust();
    expect((await outcome(bearer(TOKEN))).status).toBe(429);
    const res = await outcome({ cookie });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ name: "owner" });
  });
});
