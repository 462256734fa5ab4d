/** Row 33 (docs/security.md): the link printed at start works once, for 10 minutes. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { consumeLoginCode, issueLoginCode, LOGIN_CODE_TTL_MS } from "./login-code";
import { sha256Hex } from "./token";

const file = () => path.join(env().dataDir, "login-code");

describe("the one-time login code", () => {
  it("works once", () => {
    const code = issueLoginCode();
    expect(consumeLoginCode(code)).toBe(true);
    expect(consumeLoginCode(code)).toBe(false);
    expect(existsSync(file())).toBe(false);
    expect(readdirSync(env().dataDir).filter((f) => f.startsWith("login-code"))).toEqual([]);
  });

  it("is stored as its hash and the time it was issued, never in the clear", () => {
    const at = Date.now();
    const code = issueLoginCode(at);
    expect(readFileSync(file(), "utf8")).toBe(`${sha256Hex(code)} ${at}\n`);
    consumeLoginCode(code);
  });

  it("works up to 10 minutes after it was issued, not after, and an expired one is gone", () => {
    const issued = Date.now();
    const fresh = issueLoginCode(issued);
    expect(consumeLoginCode(fresh, issued + LOGIN_CODE_TTL_MS)).toBe(true);
    const stale = issueLoginCode(issued);
    expect(consumeLoginCode(stale, issued + LOGIN_CODE_TTL_MS + 1)).toBe(false);
    expect(consumeLoginCode(stale, issued)).toBe(false);
    // a time in the future (a clock set back, a file written by hand) is not trusted either
    const ahead = issueLoginCode(issued + 60_000);
    expect(consumeLoginCode(ahead, issued)).toBe(false);
  });

  it("survives wrong guesses: they do not use up the real code", () => {
    const code = issueLoginCode();
    for (const guess of ["", "x", code.slice(1), `${code}x`, code.toUpperCase(), sha256Hex(code)]) {
      expect(consumeLoginCode(guess)).toBe(false);
    }
    expect(consumeLoginCode(code)).toBe(true);
  });

  it("from before codes expired (a hash with no time) reads as expired", () => {
    const code = "old-style-code";
    writeFileSync(file(), `${sha256Hex(code)}\n`, { mode: 0o600 });
    expect(consumeLoginCode(code)).toBe(false);
  });

  it("is replaced by a newer one", () => {
    const first = issueLoginCode();
    const second = issueLoginCode();
    expect(consumeLoginCode(first)).toBe(false);
    expect(consumeLoginCode(second)).toBe(true);
  });
});
