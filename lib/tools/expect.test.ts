import { describe, expect, it } from "vitest";
import {
  type Expectation,
  exampleSchema,
  expectationSchema,
  isSafeRelativePath,
  matchExpectation,
  matchValue,
  runResultSchema,
} from "./expect";

const ok = (result?: unknown) => ({ ok: true, result });
const failed = (error: string) => ({ ok: false, error });
const reasonOf = (expectation: Expectation, returned: unknown) =>
  matchExpectation(expectation, returned).reason;

describe("exampleSchema", () => {
  it("accepts args, files and expect", () => {
    const example = {
      args: { path: "src/a.ts", start_line: 2 },
      files: { "src/a.ts": "one\ntwo\n", "README.md": "" },
      expect: { ok: true, result: { lines: ["two"] }, contains: ["two"] },
    };
    expect(exampleSchema.parse(example)).toEqual(example);
    expect(exampleSchema.safeParse({ args: {}, expect: {} }).success).toBe(true);
  });

  it("rejects unknown keys, non-object args and non-string file contents", () => {
    expect(exampleSchema.safeParse({ args: {}, expect: {}, name: "x" }).success).toBe(false);
    expect(exampleSchema.safeParse({ args: [], expect: {} }).success).toBe(false);
    expect(exampleSchema.safeParse({ args: {}, expect: { okay: true } }).success).toBe(false);
    expect(exampleSchema.safeParse({ args: {}, files: { "a.txt": 3 }, expect: {} }).success).toBe(false);
  });

  it("rejects file paths that are absolute or leave the example folder", () => {
    for (const bad of [
      "/etc/passwd",
      "../up.txt",
      "a/../../b",
      "~/.ssh/id",
      "a//b",
      "./a",
      "a/",
      "C:\\x",
      "",
    ]) {
      expect(isSafeRelativePath(bad), bad).toBe(false);
      const parsed = exampleSchema.safeParse({ args: {}, files: { [bad]: "x" }, expect: {} });
      expect(parsed.success, bad).toBe(false);
    }
    for (const good of ["a.txt", "src/deep/b.ts", ".env", "..hidden", "a..b/c"]) {
      expect(isSafeRelativePath(good), good).toBe(true);
    }
  });

  it("explains contradictory expectations", () => {
    const both = expectationSchema.safeParse({ ok: true, error: "x" });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toMatch(/error implies ok false/);
    expect(expectationSchema.safeParse({ ok: false, result: 1 }).success).toBe(false);
    expect(expectationSchema.safeParse({ error: "x", result: 1 }).success).toBe(false);
  });

  it("only accepts JSON values as an expected result", () => {
    expect(expectationSchema.safeParse({ result: { a: [1, null, "x", true] } }).success).toBe(true);
    expect(expectationSchema.safeParse({ result: Number.NaN }).success).toBe(false);
    expect(expectationSchema.safeParse({ result: { when: new Date(0) } }).success).toBe(false);
  });

  it("requires non-empty contains needles", () => {
    expect(expectationSchema.safeParse({ contains: "" }).success).toBe(false);
    expect(expectationSchema.safeParse({ contains: [] }).success).toBe(false);
    expect(expectationSchema.safeParse({ contains: ["a", "b"] }).success).toBe(true);
  });
});

describe("runResultSchema", () => {
  it("accepts both outcomes and rejects the rest", () => {
    expect(runResultSchema.safeParse({ ok: true }).success).toBe(true);
    expect(runResultSchema.safeParse({ ok: true, result: [1] }).success).toBe(true);
    expect(runResultSchema.safeParse({ ok: false, error: "no" }).success).toBe(true);
    expect(runResultSchema.safeParse({ ok: false }).success).toBe(false);
    expect(runResultSchema.safeParse({ ok: false, error: "" }).success).toBe(false);
    expect(runResultSchema.safeParse({ ok: "true" }).success).toBe(false);
  });
});

describe("matchExpectation: well-formed results", () => {
  it("an empty expectation passes any well-formed result", () => {
    expect(matchExpectation({}, ok())).toEqual({ pass: true });
    expect(matchExpectation({}, ok({ a: 1 }))).toEqual({ pass: true });
    expect(matchExpectation({}, failed("nope"))).toEqual({ pass: true });
  });

  it("names what was wrong with a malformed result", () => {
    expect(reasonOf({}, undefined)).toBe(
      "run must return { ok: true, result } or { ok: false, error: string }, got undefined",
    );
    expect(reasonOf({}, null)).toMatch(/got null$/);
    expect(reasonOf({}, [1, 2])).toMatch(/got an array of 2$/);
    expect(reasonOf({}, "done")).toMatch(/got "done"$/);
    expect(reasonOf({}, { result: 1 })).toMatch(/got ok undefined$/);
    expect(reasonOf({}, { ok: "yes" })).toMatch(/got ok "yes"$/);
    expect(reasonOf({}, { ok: false })).toMatch(
      /ok is false but error is undefined \(needs a non-empty string\)/,
    );
    expect(reasonOf({}, { ok: false, error: "" })).toMatch(/error is ""/);
  });
});

describe("matchExpectation: ok", () => {
  it("passes when ok matches", () => {
    expect(matchExpectation({ ok: true }, ok(1)).pass).toBe(true);
    expect(matchExpectation({ ok: false }, failed("x")).pass).toBe(true);
  });

  it("quotes the error when ok true was expected", () => {
    expect(reasonOf({ ok: true }, failed("ENOENT: src/x.ts"))).toBe(
      'expected ok true, got error "ENOENT: src/x.ts"',
    );
  });

  it("shows the result when an error was expected", () => {
    expect(reasonOf({ ok: false }, ok({ n: 1 }))).toBe('expected ok false, got ok true with result {"n":1}');
    expect(reasonOf({ ok: false }, ok())).toBe("expected ok false, got ok true with result undefined");
  });
});

describe("matchExpectation: result", () => {
  it("matches objects partially: extra keys are fine", () => {
    expect(matchExpectation({ result: { a: 1 } }, ok({ a: 1, b: 2 })).pass).toBe(true);
    expect(matchExpectation({ result: {} }, ok({ anything: true })).pass).toBe(true);
  });

  it("implies ok true", () => {
    expect(reasonOf({ result: { a: 1 } }, failed("boom"))).toBe('expected ok true, got error "boom"');
  });

  it("points at the first differing element of nested arrays", () => {
    const expected = { items: [{ name: "x.ts" }, { name: "y.ts" }, { name: "a.ts" }] };
    const actual = { items: [{ name: "x.ts" }, { name: "y.ts" }, { name: "b.ts", size: 3 }] };
    expect(reasonOf({ result: expected }, ok(actual))).toBe(
      'result.items[2].name: expected "a.ts", got "b.ts"',
    );
    expect(reasonOf({ result: [[1, 2], [3]] }, ok([[1, 2], [4]]))).toBe("result[1][0]: expected 3, got 4");
  });

  it("requires arrays to have the same length", () => {
    expect(reasonOf({ result: { files: ["a"] } }, ok({ files: ["a", "b"] }))).toBe(
      'result.files: expected an array of 1, got an array of 2 ["a","b"]',
    );
    expect(reasonOf({ result: [] }, ok([0]))).toBe("result: expected an array of 0, got an array of 1 [0]");
    expect(matchExpectation({ result: [] }, ok([])).pass).toBe(true);
  });

  it("tells arrays, objects and null apart", () => {
    expect(reasonOf({ result: [1] }, ok({ 0: 1 }))).toBe(
      'result: expected an array of 1, got an object {"0":1}',
    );
    expect(reasonOf({ result: {} }, ok([]))).toBe("result: expected an object, got an array of 0");
    expect(reasonOf({ result: {} }, ok(null))).toBe("result: expected an object, got null");
    expect(reasonOf({ result: { a: {} } }, ok({ a: "text" }))).toBe(
      'result.a: expected an object, got "text"',
    );
  });

  it("reports missing keys, with null distinct from undefined", () => {
    expect(reasonOf({ result: { total: 3 } }, ok({}))).toBe("result.total: missing, expected 3");
    expect(reasonOf({ result: { next: null } }, ok({}))).toBe("result.next: missing, expected null");
    expect(reasonOf({ result: { next: null } }, ok({ next: undefined }))).toBe(
      "result.next: expected null, got undefined",
    );
    expect(matchExpectation({ result: { next: null } }, ok({ next: null })).pass).toBe(true);
    expect(reasonOf({ result: null }, ok())).toBe("result: expected null, got undefined");
  });

  it("compares primitives with ===, so types matter", () => {
    expect(reasonOf({ result: { n: "1" } }, ok({ n: 1 }))).toBe('result.n: expected "1", got 1');
    expect(reasonOf({ result: { n: 1 } }, ok({ n: true }))).toBe("result.n: expected 1, got true");
    expect(reasonOf({ result: false }, ok(0))).toBe("result: expected false, got 0");
    expect(matchExpectation({ result: 0 }, ok(-0)).pass).toBe(true);
  });

  it("quotes keys that are not identifiers", () => {
    expect(reasonOf({ result: { "a-b": { "0": 1 } } }, ok({ "a-b": { "0": 2 } }))).toBe(
      'result["a-b"]["0"]: expected 1, got 2',
    );
  });

  it("does not accept inherited properties as present", () => {
    expect(reasonOf({ result: { toString: "x" } }, ok({}))).toBe('result.toString: missing, expected "x"');
  });

  it("clips long values in reasons", () => {
    const reason = reasonOf({ result: "short" }, ok("y".repeat(500))) ?? "";
    expect(reason.length).toBeLessThan(200);
    expect(reason).toMatch(/…$/);
  });
});

describe("matchValue: NaN and undefined (callers outside the JSON schema)", () => {
  it("lets NaN match NaN and says when it does not", () => {
    expect(matchValue(Number.NaN, Number.NaN)).toBeUndefined();
    expect(matchValue({ x: Number.NaN }, { x: null })).toBe("result.x: expected NaN, got null");
    expect(matchValue(0, Number.NaN)).toBe("result: expected 0, got NaN");
  });

  it("treats an expected undefined as absent-or-undefined", () => {
    expect(matchValue({ gone: undefined }, {})).toBeUndefined();
    expect(matchValue({ gone: undefined }, { gone: 0 })).toBe("result.gone: expected undefined, got 0");
  });
});

describe("matchExpectation: contains", () => {
  it("searches the JSON of the result", () => {
    const returned = ok({ matches: [{ file: "src/app.ts", line: 3 }] });
    expect(matchExpectation({ contains: "src/app.ts" }, returned).pass).toBe(true);
    expect(matchExpectation({ contains: ['"line":3', "matches"] }, returned).pass).toBe(true);
    expect(reasonOf({ contains: ["src/app.ts", "lib/db.ts"] }, returned)).toBe(
      'result (as JSON): expected to contain "lib/db.ts", got {"matches":[{"file":"src/app.ts","line":3}]}',
    );
  });

  it("searches the error when the run failed", () => {
    expect(matchExpectation({ contains: "no such file" }, failed("a.ts: no such file")).pass).toBe(true);
    expect(reasonOf({ ok: false, contains: "did you mean" }, failed("a.ts: no such file"))).toBe(
      'error: expected to contain "did you mean", got "a.ts: no such file"',
    );
  });

  it("finds nothing in an undefined result", () => {
    expect(reasonOf({ contains: "x" }, ok())).toBe(
      'result (as JSON): expected to contain "x", got no result',
    );
  });
});

describe("matchExpectation: error", () => {
  it("matches a substring and implies ok false", () => {
    expect(matchExpectation({ error: "not found" }, failed("src/x.ts not found")).pass).toBe(true);
    expect(reasonOf({ error: "not found" }, ok([]))).toBe("expected ok false, got ok true with result []");
  });

  it("quotes both texts when the substring is absent", () => {
    expect(reasonOf({ error: "timed out" }, failed("exited with code 1"))).toBe(
      'error: expected to contain "timed out", got "exited with code 1"',
    );
  });

  it("checks every rule: ok, error and contains together", () => {
    const expectation = { ok: false, error: "exited", contains: ["code 1", "stderr"] };
    expect(matchExpectation(expectation, failed("exited with code 1; stderr: boom")).pass).toBe(true);
    expect(reasonOf(expectation, failed("exited with code 1"))).toBe(
      'error: expected to contain "stderr", got "exited with code 1"',
    );
  });
});
