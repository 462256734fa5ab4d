import { describe, expect, it } from "vitest";
import { type HeaderRow, headerChange, storedRows } from "./header-rows";
import { serverChangeSchema } from "./service";

const row = (name: string, value: string): HeaderRow => ({ name, value, stored: false, replace: false });

describe("the Settings form's header rows", () => {
  it("keeps stored headers it never saw the value of, replaces one and adds one", () => {
    const rows = storedRows(["Authorization", "X-Team"]);
    rows[1] = { ...(rows[1] as HeaderRow), replace: true, value: "blue" };
    rows.push(row(" X-Trace ", "on"));
    expect(headerChange(rows)).toEqual({
      ok: true,
      headers: { "X-Team": "blue", "X-Trace": "on" },
      keepHeaders: ["Authorization"],
    });
    // a removed stored row is neither kept nor sent: the API drops it
    expect(headerChange([row("X-New", "v")])).toEqual({
      ok: true,
      headers: { "X-New": "v" },
      keepHeaders: [],
    });
  });

  // what the form refuses, each also refused by the API's schema (the same rules)
  const refused: Array<[string, HeaderRow[], RegExp]> = [
    ["a name with a space", [row("X Bad", "v")], /HTTP tokens/],
    ["a name with a colon", [row("X:Y", "v")], /HTTP tokens/],
    ["a name with a line break", [row("X\r\nHost", "v")], /HTTP tokens/],
    ["a non-ASCII name", [row("Ünï", "v")], /HTTP tokens/],
    ["a name past 64 characters", [row("X".repeat(65), "v")], /HTTP tokens/],
    ["an empty name", [row("  ", "v")], /needs a name/],
    ["a value with a line break (header injection)", [row("X-A", "v\r\nX-Injected: 1")], /one line/],
    ["a value with a NUL", [row("X-A", "v\0w")], /one line/],
    ["a value past 8192 characters", [row("X-A", "v".repeat(8193))], /8192/],
    ["a new header without a value", [row("X-A", "")], /needs a value/],
    [
      "a replaced stored header without a value",
      [{ name: "Authorization", value: "", stored: true, replace: true }],
      /needs a value/,
    ],
    ["the same name twice in another case", [row("X-A", "1"), row("x-a", "2")], /appears twice/],
    [
      "a new row named like a kept one",
      [...storedRows(["Authorization"]), row("authorization", "x")],
      /appears twice/,
    ],
    ["33 headers", Array.from({ length: 33 }, (_, i) => row(`X-${i}`, "v")), /at most 32/],
  ];
  for (const [what, rows, why] of refused)
    it(`refuses ${what}`, () => {
      const change = headerChange(rows);
      expect(change.ok).toBe(false);
      if (!change.ok) expect(change.error).toMatch(why);
    });

  it("what the form refuses for a name or value, the API refuses too", () => {
    for (const headers of [{ "X Bad": "v" }, { "X-A": "v\r\nX-B: 1" }, { "X-A": "1", "x-a": "2" }])
      expect(serverChangeSchema.safeParse({ headers }).success, JSON.stringify(headers)).toBe(false);
    expect(serverChangeSchema.safeParse({ keepHeaders: ["X Bad"] }).success).toBe(false);
  });
});
