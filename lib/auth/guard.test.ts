import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { createUser, hashToken, updateUser } from "@/lib/team/users";
import { servedOverHttps } from "./cookie";
import { guardRequest } from "./guard";
import { loginCookieFor } from "./login";

const TOKEN = "unit-test-token-0123456789abcdef0123";
const VIEW = { mutation: false, role: "viewer" } as const;
const CHANGE = { mutation: true, role: "member" } as const;

function request(headers: Record<string, string>, method = "GET"): Request {
  return new Request("http://127.0.0.1:3000/api/sessions", { method, headers });
}

async function codeOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return error instanceof ApiError ? `${error.status}` : "other";
  }
  return undefined;
}

function cookieOf(setCookie: string | null): string {
  const value = /^ratchet_session=([^;]+)/.exec(setCookie ?? "")?.[1];
  if (!value) throw new Error(`no cookie in ${setCookie}`);
  return `ratchet_session=${value}`;
}

const unique = () => Math.random().toString(36).slice(2, 10);

describe("guardRequest", () => {
  it("accepts the bearer token on an allowed host, as the owner with every right", async () => {
    const credentials = await guardRequest(
      request({ host: "127.0.0.1:3000", authorization: `Bearer ${TOKEN}` }),
      { mutation: true, role: "admin" },
    );
    expect(credentials).toMatchObject({
      method: "bearer",
      actor: { kind: "owner", name: "owner", role: "admin" },
    });
  });

  it("refuses a foreign Host before looking at credentials (DNS rebinding)", async () => {
    expect(
      await codeOf(() =>
        guardRequest(request({ host: "evil.test:3000", authorization: `Bearer ${TOKEN}` }), VIEW),
      ),
    ).toBe("403");
  });

  it("refuses missing and wrong tokens with 401", async () => {
    expect(await codeOf(() => guardRequest(request({ host: "localhost:3000" }), VIEW))).toBe("401");
    expect(
      await codeOf(() =>
        guardRequest(request({ host: "localhost:3000", authorization: "Bearer nope" }), VIEW),
      ),
    ).toBe("401");
    expect(
      await codeOf(() =>
        guardRequest(request({ host: "localhost:3000", authorization: "Bearer rtu_not-a-real-token" }), VIEW),
      ),
    ).toBe("401");
  });

  it("with the cookie, requires a same-origin Origin on mutations", async () => {
    const cookie = cookieOf(await loginCookieFor(TOKEN));
    const ok = { host: "127.0.0.1:3000", cookie, origin: "http://127.0.0.1:3000" };
    expect((await guardRequest(request(ok, "POST"), CHANGE)).method).toBe("cookie");
    expect(
      await codeOf(() => guardRequest(request({ ...ok, origin: "http://evil.test" }, "POST"), CHANGE)),
    ).toBe("403");
    expect(await codeOf(() => guardRequest(request({ ...ok, origin: "null" }, "POST"), CHANGE))).toBe("403");
    const { origin: _omit, ...noOrigin } = ok;
    expect(await codeOf(() => guardRequest(request(noOrigin, "POST"), CHANGE))).toBe("403");
    expect((await guardRequest(request(noOrigin), VIEW)).method).toBe("cookie");
  });

  it("rejects a forged cookie, including one that names a real user or has the shape of a real one", async () => {
    const { user, token } = await createUser({ name: `forge-${unique()}`, role: "admin" });
    const oldUserMac = createHmac("sha256", TOKEN)
      .update(`ratchet-user-cookie-v1\0${user.id}\0${hashToken(token)}`)
      .digest("base64url");
    const forgeries = [
      "forged",
      `${user.id}.forged`,
      randomBytes(32).toString("base64url"),
      TOKEN,
      // the fixed HMAC cookies of before server-side sessions
      createHmac("sha256", TOKEN).update("ratchet-cookie-v1").digest("base64url"),
      `${user.id}.${oldUserMac}`,
    ];
    for (const value of forgeries) {
      expect(
        await codeOf(() =>
          guardRequest(request({ host: "127.0.0.1:3000", cookie: `ratchet_session=${value}` }), VIEW),
        ),
      ).toBe("401");
    }
  });
});

describe("team members", () => {
  it("authenticate with their own token or its login cookie, as themselves, with their role", async () => {
    const { user, token } = await createUser({ name: `ann-${unique()}`, role: "approver" });
    const bearer = await guardRequest(
      request({ host: "127.0.0.1:3000", authorization: `Bearer ${token}` }),
      VIEW,
    );
    expect(bearer.actor).toEqual({ kind: "user", id: user.id, name: user.name, role: "approver" });

    const cookie = cookieOf(await loginCookieFor(token));
    const viaCookie = await guardRequest(request({ host: "127.0.0.1:3000", cookie }), VIEW);
    expect(viaCookie).toMatchObject({ method: "cookie", actor: { id: user.id, role: "approver" } });
    expect(await loginCookieFor("rtu_wrong")).toBeNull();
  });

  it("get a 403 that names the role needed, and a role change applies to the next request", async () => {
    const { user, token } = await createUser({ name: `vic-${unique()}`, role: "viewer" });
    const post = () =>
      guardRequest(request({ host: "127.0.0.1:3000", authorization: `Bearer ${token}` }, "POST"), {
        mutation: true,
        role: "approver",
      });
    const refused = await post().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(403);
    expect((refused as ApiError).message).toBe(
      `Not allowed: this needs the approver role (approve tools, edit skills and change what reaches every prompt (working memory, learnings, the board)); ${user.name} is a viewer.`,
    );
    await updateUser(user.id, { role: "approver" });
    expect((await post()).actor.role).toBe("approver");
  });

  it("lose access at once when disabled: token and login cookie; re-enabling brings back the token, not the login", async () => {
    const { user, token } = await createUser({ name: `dee-${unique()}`, role: "member" });
    const cookie = cookieOf(await loginCookieFor(token));
    const bearer = () =>
      guardRequest(request({ host: "127.0.0.1:3000", authorization: `Bearer ${token}` }), VIEW);
    await updateUser(user.id, { disabled: true });
    expect(await codeOf(bearer)).toBe("401");
    expect(await codeOf(() => guardRequest(request({ host: "127.0.0.1:3000", cookie }), VIEW))).toBe("401");
    expect(await loginCookieFor(token)).toBeNull();
    await updateUser(user.id, { disabled: false });
    expect((await bearer()).actor.id).toBe(user.id);
    expect(await codeOf(() => guardRequest(request({ host: "127.0.0.1:3000", cookie }), VIEW))).toBe("401");
    const fresh = cookieOf(await loginCookieFor(token));
    expect((await guardRequest(request({ host: "127.0.0.1:3000", cookie: fresh }), VIEW)).actor.id).toBe(
      user.id,
    );
  });
});

describe("the login cookie", () => {
  it("is Secure when the browser came over HTTPS (directly or through a TLS proxy)", async () => {
    expect(await loginCookieFor(TOKEN)).not.toContain("Secure");
    expect(await loginCookieFor(TOKEN, true)).toMatch(/; HttpOnly; SameSite=Strict; .*; Secure$/);
    const via = (headers: Record<string, string>, url = "http://127.0.0.1:3000/") =>
      new Request(url, { headers });
    expect(servedOverHttps(via({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(servedOverHttps(via({ "x-forwarded-proto": "http" }))).toBe(false);
    expect(servedOverHttps(via({}, "https://ratchet.example.com/"))).toBe(true);
    expect(servedOverHttps(via({}))).toBe(false);
  });
});
