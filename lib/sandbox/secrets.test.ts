import { describe, expect, it } from "vitest";
import { collectSecrets, createStreamMasker, MASK, maskSecrets, secretEnvNames } from "./secrets";

const LITERAL = "hunter2-correct-horse";
const SECRETS = [LITERAL, "configured-api-key-42"];

const MASKED: [string, string, string][] = [
  ["literal", `pw=${LITERAL};`, `pw=${MASK};`],
  ["extra literal", "key configured-api-key-42 used", `key ${MASK} used`],
  ["literal inside a word", `x${LITERAL}x`, `x${MASK}x`],
  ["openai key", "key: sk-abcdefghijklmnopqrstuvwx", `key: ${MASK}`],
  ["openai project key", "sk-proj-AbC_dEf-1234567890abcdef", MASK],
  ["anthropic key", "ANTHROPIC=sk-ant-api03-abcdefghijklmnop_qrstuv-wx", `ANTHROPIC=${MASK}`],
  ["github token", `t=ghp_${"a1B2c3D4e5".repeat(4)}`, `t=${MASK}`],
  ["github server token", `ghs_${"Z".repeat(24)} ok`, `${MASK} ok`],
  ["github fine-grained pat", "github_pat_11ABCDEFG0123456789_abcdefghijkl", MASK],
  [
    "bearer",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
    `Authorization: Bearer ${MASK}`,
  ],
  ["bearer lower case", "authorization: bearer abcdefghijklmnopqrstuvwxyz", `authorization: bearer ${MASK}`],
  ["slack token", "xoxb-123456789012-abcdefABCDEF", MASK],
  ["aws key id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", `aws_access_key_id = ${MASK}\n`],
  ["coloured token", "\x1b[32msk-abcdefghijklmnopqrstuv\x1b[0m", `\x1b[32m${MASK}\x1b[0m`],
  ["two secrets", `${LITERAL} and sk-abcdefghijklmnopqrstuvwx`, `${MASK} and ${MASK}`],
  ["quoted", `"${LITERAL}"`, `"${MASK}"`],
  [
    "password in a database URL",
    "DATABASE_URL=postgresql://ratchet:s3cret-pw@db.internal:5432/ratchet\n",
    `DATABASE_URL=postgresql://ratchet:${MASK}@db.internal:5432/ratchet\n`,
  ],
  ["password with an unencoded @ and :", "redis://:p@ss:w0rd@cache:6379/0", `redis://:${MASK}@cache:6379/0`],
  [
    "credentials in a git remote",
    "origin https://deploy:x1y2@git.example (fetch)",
    `origin https://deploy:${MASK}@git.example (fetch)`,
  ],
  ["url credentials in JSON", '{"url":"amqp://u:pa%40ss@mq/v"}', `{"url":"amqp://u:${MASK}@mq/v"}`],
];

const UNTOUCHED: [string, string][] = [
  ["sk- alone", "sk-"],
  ["short sk", "sk-short"],
  ["task-list", "run task-list now"],
  ["long word ending in sk-", "see task-management-system-version-two"],
  ["risk-", "risk-assessment-framework-document"],
  ["ghp short", "ghp_short"],
  ["bearer prose", "the Bearer token is required"],
  ["bearer variable", "Authorization: Bearer $TOKEN"],
  ["AKIA alone", "AKIA"],
  ["AKIA too long", "AKIAIOSFODNN7EXAMPLEXX"],
  ["xoxb alone", "xoxb-"],
  ["prose", "Compiled 12 files in 3.2s; 0 errors.\n"],
  ["part of a literal", "hunter2-correct"],
  ["url with a port", "listening on http://localhost:3000/path\n"],
  ["url with a user only", "git clone ssh://git@github.com/org/repo.git"],
  ["@ after the path", "https://example.com:8080/users/@me"],
  ["mailto", "mailto:someone@example.com"],
  ["url and a later address", "see http://a:b then mail x@y"],
];

describe("maskSecrets", () => {
  it.each(MASKED)("masks %s", (_name, input, expected) => {
    expect(maskSecrets(input, SECRETS)).toBe(expected);
  });

  it.each(UNTOUCHED)("leaves %s alone", (_name, input) => {
    expect(maskSecrets(input, SECRETS)).toBe(input);
  });

  it("shows nothing of a literal secret", () => {
    const out = maskSecrets(`a ${LITERAL} b`, [LITERAL]);
    expect(out).not.toContain("hunter");
    expect(out).not.toContain("horse");
  });

  it("masks the longer of two overlapping secrets completely", () => {
    expect(maskSecrets("x abcdefgh12345 y", ["abcdefgh", "abcdefgh12345"])).toBe(`x ${MASK} y`);
  });
});

function streamed(parts: string[]): string {
  const masker = createStreamMasker(SECRETS);
  return parts.map((part) => masker.push(part)).join("") + masker.flush();
}

describe("createStreamMasker", () => {
  it.each(MASKED)("masks %s split at every point", (_name, input, expected) => {
    for (let i = 0; i <= input.length; i++) {
      expect(streamed([input.slice(0, i), input.slice(i)]), `split at ${i}`).toBe(expected);
    }
  });

  it.each(MASKED)("masks %s fed one character at a time", (_name, input, expected) => {
    expect(streamed([...input])).toBe(expected);
  });

  it.each(UNTOUCHED)("leaves %s alone split at every point", (_name, input) => {
    for (let i = 0; i <= input.length; i++) {
      expect(streamed([input.slice(0, i), input.slice(i)]), `split at ${i}`).toBe(input);
    }
  });

  it("passes ordinary output through immediately", () => {
    const masker = createStreamMasker(SECRETS);
    expect(masker.push("building…\n")).toBe("building…\n");
    expect(masker.push("50% done")).toBe("50% done");
    expect(masker.flush()).toBe("");
  });

  it("holds back only a possible secret start", () => {
    const masker = createStreamMasker(SECRETS);
    const line = "x".repeat(1000);
    expect(masker.push(`${line} hunter2`)).toBe(`${line} `);
    expect(masker.push("-correct-horse!")).toBe(`${MASK}!`);
  });

  it("holds an unfinished token and releases it when it ends short", () => {
    const masker = createStreamMasker([]);
    expect(masker.push("key sk-abc")).toBe("key ");
    expect(masker.push("def\n")).toBe("sk-abcdef\n");
  });

  it("keeps tokens longer than the hold-back bound masked", () => {
    const jwt = "eyJ".padEnd(3000, "aB3.");
    const input = `Authorization: Bearer ${jwt}\nnext line\n`;
    const parts = input.match(/[\s\S]{1,100}/g) ?? [];
    const out = streamed(parts);
    expect(out).toBe(`Authorization: Bearer ${MASK}\nnext line\n`);
  });

  it("never holds back more than the bound for endless token-like output", () => {
    const masker = createStreamMasker([]);
    let out = "";
    for (let i = 0; i < 100; i++) out += masker.push(" s".repeat(500));
    expect(out.length).toBeGreaterThanOrEqual(100 * 1000 - 256);
  });

  it("masks a long literal such as a private key streamed in small chunks", () => {
    const key = `-----BEGIN KEY-----\n${"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC".repeat(50)}\n-----END KEY-----`;
    const masker = createStreamMasker([key]);
    const input = `cat key.pem\n${key}\ndone\n`;
    const out =
      (input.match(/[\s\S]{1,64}/g) ?? []).map((part) => masker.push(part)).join("") + masker.flush();
    expect(out).toBe(`cat key.pem\n${MASK}\ndone\n`);
  });

  it("masks a literal that straddles the end of a masked token", () => {
    const secret = "abc$defgh";
    const masker = createStreamMasker([secret]);
    const out = masker.push("x sk-abcdefghijklmnopqrstabc") + masker.push("$defgh end") + masker.flush();
    expect(out).not.toContain("def");
    expect(out).toContain(" end");
  });
});

describe("collectSecrets", () => {
  const env = {
    OPENAI_API_KEY: "sk-abcdefghijklmnopqrstuv",
    FOO_TOKEN: "token-value-123",
    my_secret: "lowercase-secret",
    DB_PASSWORD: "short",
    HOME: "/root/long/enough/path",
    KEYBOARD: "not-a-secret-name",
  };

  it("takes long enough values of secret-named variables plus extras", () => {
    expect(collectSecrets(env, ["configured-key-123", ""]).sort()).toEqual(
      ["configured-key-123", "lowercase-secret", "sk-abcdefghijklmnopqrstuv", "token-value-123"].sort(),
    );
  });

  it("takes passwords out of URL-valued variables, whatever their name, as written and decoded", () => {
    const secrets = collectSecrets(
      {
        DATABASE_URL: "postgresql://ratchet:pa%40ss-w0rd-long@db:5432/ratchet",
        HTTP_PROXY: "http://proxy-user:proxy-pass-123@proxy:3128",
        SHORT_URL: "redis://:pw@cache",
        PLAIN_URL: "https://example.com/path",
      },
      [],
    );
    expect(secrets.sort()).toEqual(["pa%40ss-w0rd-long", "pa@ss-w0rd-long", "proxy-pass-123"].sort());
  });

  it("deduplicates", () => {
    expect(collectSecrets({ A_KEY: "same-value-1" }, ["same-value-1"])).toEqual(["same-value-1"]);
  });
});

describe("secretEnvNames", () => {
  it("names every secret-looking variable regardless of its value", () => {
    const env = {
      OPENAI_API_KEY: "x",
      FOO_TOKEN: "",
      GH_SECRET: "y",
      DB_PASSWORD: "z",
      PATH: "/bin",
      KEYS: "k",
    };
    expect(secretEnvNames(env).sort()).toEqual(["DB_PASSWORD", "FOO_TOKEN", "GH_SECRET", "OPENAI_API_KEY"]);
  });
});
