import { describe, expect, it } from "vitest";
import {
  formatReview,
  loadComments,
  MAX_QUOTED_LINES,
  type ReviewComment,
  saveComments,
  storageKey,
} from "./review";

const comment = (over: Partial<ReviewComment>): ReviewComment => ({
  id: "c",
  path: "src/a.ts",
  side: "new",
  startLine: 3,
  endLine: 4,
  lines: ["const a = 1;", "const b = 2;"],
  comment: "Name these after what they hold.",
  scope: "turn 1",
  ...over,
});

describe("the review message", () => {
  it("lists each comment with its file, lines, the selected lines and the comment, in file order", () => {
    const text = formatReview([
      comment({
        id: "2",
        path: "src/z.ts",
        startLine: 9,
        endLine: 9,
        lines: ["return x;"],
        comment: "Guard x.",
      }),
      comment({ id: "1" }),
      comment({
        id: "3",
        path: "README.md",
        side: "old",
        startLine: 1,
        endLine: 1,
        lines: ["# Old title"],
        comment: "  Keep this title.  ",
      }),
    ]);
    expect(text).toBe(
      [
        "Code review of your changes: 3 comments. Address each one in the files named, then say briefly what you changed.",
        "",
        "## 1. README.md, line 1 of the file before your change (lines you removed)",
        "```md",
        "# Old title",
        "```",
        "Keep this title.",
        "",
        "## 2. src/a.ts, lines 3-4",
        "```ts",
        "const a = 1;",
        "const b = 2;",
        "```",
        "Name these after what they hold.",
        "",
        "## 3. src/z.ts, line 9",
        "```ts",
        "return x;",
        "```",
        "Guard x.",
      ].join("\n"),
    );
  });

  it("fences quoted lines that hold backticks with a longer fence, and cuts a long selection", () => {
    const one = formatReview([comment({ lines: ["```js", "code", "```"], comment: "c" })]);
    expect(one).toContain("1 comment.");
    expect(one).toContain("````ts\n```js\ncode\n```\n````\nc");
    const long = Array.from({ length: MAX_QUOTED_LINES + 5 }, (_, i) => `l${i}`);
    const cut = formatReview([comment({ lines: long, startLine: 1, endLine: long.length })]);
    expect(cut).toContain(`l${MAX_QUOTED_LINES - 1}\n… 5 more lines\n\`\`\``);
    expect(cut).not.toContain(`l${MAX_QUOTED_LINES}\n`);
  });
});

describe("pending comments in the browser's storage", () => {
  function memory() {
    const items = new Map<string, string>();
    return {
      items,
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
  }

  it("survive a reload per session, and sending or discarding them all removes the entry", () => {
    const storage = memory();
    saveComments(storage, "s1", [comment({ id: "a" })]);
    expect(loadComments(storage, "s1").map((c) => c.id)).toEqual(["a"]);
    expect(loadComments(storage, "s2")).toEqual([]);
    saveComments(storage, "s1", []);
    expect(storage.items.has(storageKey("s1"))).toBe(false);
  });

  it.each([
    ["not JSON", "{"],
    ["not a list", '{"a":1}'],
    ["a wrong shape", JSON.stringify([{ id: 1 }])],
    ["a backwards range", JSON.stringify([comment({ startLine: 5, endLine: 2 })])],
    ["an unknown side", JSON.stringify([{ ...comment({}), side: "both" }])],
  ])("reads %s as no comments", (_what, raw) => {
    const storage = memory();
    storage.items.set(storageKey("s1"), raw);
    expect(loadComments(storage, "s1")).toEqual([]);
  });
});
