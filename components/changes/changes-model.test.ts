import { describe, expect, it } from "vitest";
import {
  buildTree,
  type ChangedEntry,
  languageOf,
  parentFolders,
  parseHunks,
  resolveScope,
  visibleRows,
  windowOf,
} from "./changes-model";

const file = (path: string, additions = 1, deletions = 0, status: ChangedEntry["status"] = "modified") => ({
  path,
  status,
  additions,
  deletions,
  binary: false,
});

describe("the file tree", () => {
  const files = [
    file("src/lib/a.ts", 3, 1),
    file("src/lib/b.ts", 2, 2),
    file("src/app/page.tsx", 5, 0, "added"),
    file("README.md", 1, 1),
    file("deep/only/child/x.txt", 0, 4, "deleted"),
  ];

  it("puts folders first, sums their counts, and shows a chain of lone folders as one row", () => {
    const rows = visibleRows(buildTree(files), new Set());
    expect(
      rows.map((r) =>
        r.kind === "dir"
          ? `${"  ".repeat(r.depth)}${r.node.name}/ +${r.node.additions} -${r.node.deletions} (${r.node.fileCount})`
          : `${"  ".repeat(r.depth)}${r.node.name}`,
      ),
    ).toEqual([
      "deep/only/child/ +0 -4 (1)",
      "  x.txt",
      "src/ +10 -3 (3)",
      "  app/ +5 -0 (1)",
      "    page.tsx",
      "  lib/ +5 -3 (2)",
      "    a.ts",
      "    b.ts",
      "README.md",
    ]);
  });

  it("hides what a closed folder holds, and names every folder above a file", () => {
    const rows = visibleRows(buildTree(files), new Set(["src/lib", "deep/only/child"]));
    expect(rows.map((r) => r.node.path)).toEqual([
      "deep/only/child",
      "src",
      "src/app",
      "src/app/page.tsx",
      "src/lib",
      "README.md",
    ]);
    expect(parentFolders("src/lib/a.ts")).toEqual(["src", "src/lib"]);
    expect(parentFolders("top.txt")).toEqual([]);
  });

  it("renders only the rows in view of a 1,000-file list", () => {
    const many = Array.from({ length: 1000 }, (_, i) => file(`f/${String(i).padStart(4, "0")}.ts`));
    const rows = visibleRows(buildTree(many), new Set());
    expect(rows).toHaveLength(1001);
    expect(windowOf(rows.length, 0, 240, 24)).toEqual({ start: 0, end: 18 });
    expect(windowOf(rows.length, 24 * 500, 240, 24)).toEqual({ start: 492, end: 518 });
    expect(windowOf(rows.length, 24 * 5000, 240, 24).end).toBe(1001);
  });
});

describe("hunks of a unified diff", () => {
  const diff = [
    "diff --git a/f.txt b/f.txt",
    "--- a/f.txt",
    "+++ b/f.txt",
    "@@ -1,4 +1,4 @@",
    " line 1",
    "-line 2",
    "+CHANGED 2",
    " line 3",
    " line 4",
    "@@ -23,7 +23,8 @@ section",
    " line 23",
    " line 24",
    " line 25",
    "+inserted",
    " line 26",
    " line 27",
    " line 28",
    "@@ -40,2 +40,0 @@",
    "-line 40",
    "-line 41",
    "\\ No newline at end of file",
  ].join("\n");

  it("numbers them from 0 and anchors each at its first changed line in the new file", () => {
    expect(
      parseHunks(diff).map((h) => [h.index, h.newStart, h.anchorLine, h.additions, h.deletions]),
    ).toEqual([
      [0, 1, 2, 1, 1],
      [1, 23, 26, 1, 0],
      [2, 40, 41, 0, 2],
    ]);
  });

  it("reads one-line hunks without counts, and a diff without hunks as none", () => {
    expect(parseHunks("@@ -1 +1 @@\n-a\n+b\n")[0]).toMatchObject({ oldLines: 1, newLines: 1, anchorLine: 1 });
    expect(parseHunks("Binary files a/x and b/x differ\n")).toEqual([]);
    expect(parseHunks("")).toEqual([]);
  });
});

describe("highlighting by file name", () => {
  it.each([
    ["src/a.ts", "typescript"],
    ["src/A.TSX", "tsx"],
    ["x.mjs", "javascript"],
    ["package.json", "json"],
    ["docs/api.md", "markdown"],
    [".github/ci.yml", "yaml"],
    ["app/globals.css", "css"],
    ["index.html", "html"],
    ["Makefile", null],
    [".gitignore", null],
    ["main.py", null],
  ])("%s → %s", (path, language) => {
    expect(languageOf(path)).toBe(language);
  });
});

describe("which turn the turn scope shows", () => {
  const turns = [
    { turn: 1, checkpointed: false },
    { turn: 2, checkpointed: true },
    { turn: 3, checkpointed: true },
  ];
  it("follows the latest checkpointed turn, keeps a pinned one, and has none before a checkpoint", () => {
    expect(resolveScope({ kind: "turn", pinnedTurn: null }, turns)).toEqual({ scope: "turn", turn: 3 });
    expect(resolveScope({ kind: "turn", pinnedTurn: 2 }, turns)).toEqual({ scope: "turn", turn: 2 });
    // a turn without a checkpoint cannot be shown: the latest instead
    expect(resolveScope({ kind: "turn", pinnedTurn: 1 }, turns)).toEqual({ scope: "turn", turn: 3 });
    expect(resolveScope({ kind: "turn", pinnedTurn: null }, turns.slice(0, 1))).toBeNull();
    expect(resolveScope({ kind: "git", pinnedTurn: 2 }, [])).toEqual({ scope: "git" });
  });
});
