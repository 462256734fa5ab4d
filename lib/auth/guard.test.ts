import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { guardRequest } from "./guard";
import { cookieValue } from "./token";

const TOKEN = "unit-test-token-0123456789";

function request(headers: Record<string, string>, method = "GET"): Request {
  return new Request("http://127.0.0.1:3000/api/sessions", { method, headers });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? `${error.status}` : "other";
  }
  return undefined;
}

describe("guardRequest", () => {
  it("accepts the bearer token on an allowed host", () => {
    expect(
      guardRequest(request({ host: "127.0.0.1:3000", authorization: `Bearer ${TOKEN}` }), { mutation: true }),
    ).toBe("bearer");
  });

  it("refuses a foreign Host before looking at credentials (DNS rebinding)", () => {
    expect(
      codeOf(() =>
        guardRequest(request({ host: "evil.test:3000", authorization: `Bearer ${TOKEN}` }), {
          mutation: false,
        }),
      ),
    ).toBe("403");
  });

  it("refuses missing and wrong tokens with 401", () => {
    expect(codeOf(() => guardRequest(request({ host: "localhost:3000" }), { mutation: false }))).toBe("401");
    expect(
      codeOf(() =>
        guardRequest(request({ host: "localhost:3000", authorization: "Bearer nope" }), { mutation: false }),
      ),
    ).toBe("401");
  });

  it("with the cookie, requires a same-origin Origin on mutations", () => {
    const cookie = `ratchet_session=${cookieValue()}`;
    const ok = { host: "127.0.0.1:3000", cookie, origin: "http://127.0.0.1:3000" };
    expect(guardRequest(request(ok, "POST"), { mutation: true })).toBe("cookie");
    expect(
      codeOf(() => guardRequest(request({ ...ok, origin: "http://evil.test" }, "POST"), { mutation: true })),
    ).toBe("403");
    expect(codeOf(() => guardRequest(request({ ...ok, origin: "null" }, "POST"), { mutation: true }))).toBe(
      "403",
    );
    const { origin: _omit, ...noOrigin } = ok;
    expect(codeOf(() => guardRequest(request(noOrigin, "POST"), { mutation: true }))).toBe("403");
    expect(guardRequest(request(noOrigin), { mutation: false })).toBe("cookie");
  });

  it("rejects a forged cookie", () => {
    expect(
      codeOf(() =>
        guardRequest(request({ host: "127.0.0.1:3000", cookie: "ratchet_session=forged" }), {
          mutation: false,
        }),
      ),
    ).toBe("401");
  });
});
