import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, splitWorkspaceRoots } from "./env";

describe("parseEnv", () => {
  it("defaults to loopback, port 3000, chat API and a data dir database", () => {
    const env = parseEnv({});
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.PORT).toBe(3000);
    expect(env.RATCHET_API).toBe("chat");
    expect(env.databaseUrl).toMatch(/^file:.*data\/ratchet\.db$/);
    expect(env.databaseProvider).toBe("sqlite");
  });

  it("selects PostgreSQL for postgresql:// and postgres:// URLs, SQLite for file:", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://u:p@db:5432/ratchet" }).databaseProvider).toBe(
      "postgresql",
    );
    expect(parseEnv({ DATABASE_URL: "postgres://db/ratchet" }).databaseProvider).toBe("postgresql");
    expect(parseEnv({ DATABASE_URL: "file:/var/lib/ratchet.db" }).databaseProvider).toBe("sqlite");
    expect(() => parseEnv({ DATABASE_URL: "postgresql://[bad" })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ DATABASE_URL: "file:" })).toThrow(/DATABASE_URL/);
  });

  it("refuses a non-loopback HOST without RATCHET_ALLOW_REMOTE and says why", () => {
    expect(() => parseEnv({ HOST: "0.0.0.0" })).toThrow(EnvError);
    expect(() => parseEnv({ HOST: "0.0.0.0" })).toThrow(/RATCHET_ALLOW_REMOTE=1/);
    expect(parseEnv({ HOST: "0.0.0.0", RATCHET_ALLOW_REMOTE: "1" }).HOST).toBe("0.0.0.0");
  });

  it("judges the address `next start -H` binds, not HOST, when the server is started by hand", () => {
    const next = (...args: string[]) => ["node", "node_modules/.bin/next", "start", ...args];
    expect(() => parseEnv({}, next("-H", "0.0.0.0"))).toThrow(/-H 0\.0\.0\.0 would expose/);
    expect(() => parseEnv({ HOST: "127.0.0.1" }, next("--hostname", "::"))).toThrow(/RATCHET_ALLOW_REMOTE=1/);
    expect(() => parseEnv({}, next("--hostname=192.0.2.1"))).toThrow(/-H 192\.0\.2\.1/);
    expect(parseEnv({ HOST: "0.0.0.0" }, next("-H", "127.0.0.1")).HOST).toBe("127.0.0.1");
    expect(parseEnv({ RATCHET_ALLOW_REMOTE: "1" }, next("-H", "0.0.0.0")).HOST).toBe("0.0.0.0");
  });

  it("names the variable in every error", () => {
    expect(() => parseEnv({ RATCHET_API: "soap" })).toThrow(
      /RATCHET_API: RATCHET_API must be 'chat' or 'responses'/,
    );
    expect(() => parseEnv({ PORT: "99999" })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ RATCHET_TOKEN: "short" })).toThrow(/RATCHET_TOKEN must be at least 32/);
  });

  it("refuses an access token under 32 characters, naming the variable", () => {
    for (const short of ["x".repeat(16), "e2e-token-0123456789abcdef", "y".repeat(31)]) {
      expect(() => parseEnv({ RATCHET_TOKEN: short })).toThrow(
        /RATCHET_TOKEN: RATCHET_TOKEN must be at least 32 characters/,
      );
    }
    expect(parseEnv({ RATCHET_TOKEN: "z".repeat(32) }).RATCHET_TOKEN).toHaveLength(32);
  });

  it("reads RATCHET_WORKSPACE_ROOTS as absolute folders, ~ expanded, and never defaults to the current directory", () => {
    expect(parseEnv({}).workspaceRoots).toEqual([]);
    expect(parseEnv({ RATCHET_WORKSPACE_ROOTS: " /srv/a :/srv/b/:: " }).workspaceRoots).toEqual([
      "/srv/a",
      "/srv/b",
    ]);
    expect(splitWorkspaceRoots("~/code:~:/x", "/home/me")).toEqual(["/home/me/code", "/home/me", "/x"]);
    for (const bad of ["relative/dir", "/ok:./here", "~user/x"]) {
      expect(() => parseEnv({ RATCHET_WORKSPACE_ROOTS: bad })).toThrow(
        /RATCHET_WORKSPACE_ROOTS: RATCHET_WORKSPACE_ROOTS must list absolute folders/,
      );
    }
    expect(parseEnv({})).not.toHaveProperty("workspace");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ OPENAI_BASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it("bounds the model's silence at 120 s by default, 1 to 300 s when set", () => {
    expect(parseEnv({}).RATCHET_MODEL_TIMEOUT_SECONDS).toBe(120);
    expect(parseEnv({ RATCHET_MODEL_TIMEOUT_SECONDS: "45" }).RATCHET_MODEL_TIMEOUT_SECONDS).toBe(45);
    expect(parseEnv({ RATCHET_MODEL_TIMEOUT_SECONDS: "1.5" }).RATCHET_MODEL_TIMEOUT_SECONDS).toBe(1.5);
    for (const bad of ["0", "301", "soon", "-5"]) {
      expect(() => parseEnv({ RATCHET_MODEL_TIMEOUT_SECONDS: bad })).toThrow(
        /RATCHET_MODEL_TIMEOUT_SECONDS: RATCHET_MODEL_TIMEOUT_SECONDS must be a number of seconds from 1 to 300/,
      );
    }
  });
});
