/**
 * Row 37 (docs/security.md): tool names that imitate a built-in. Variants are generated from the
 * real built-in list, so a new built-in is covered the day it is added.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { BUILTIN_NAMES } from "@/lib/tools/builtin-names";
import { nameProblem, proposeTool } from "./lifecycle";
import { editDistance, nameSkeleton, nearBuiltin } from "./near-names";

/** What an agent might try instead of the built-in's exact name. */
function imitations(name: string): string[] {
  const letters = [...name];
  const out = new Set<string>([
    name.toUpperCase(),
    name.replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase()),
    name.replaceAll("_", "-"),
    name.replaceAll("_", ""),
    name.replaceAll("_", "__"),
    name.replaceAll("_", "."),
    `${name}s`,
    `${name}_`,
    `_${name}`,
    `${name}2`,
    name.replace(/o/g, "0"),
    name.replace(/l/g, "1"),
    name.replace(/e/, "3"),
    name.replace(/m/, "rn"),
  ]);
  for (let i = 0; i < letters.length; i++) {
    if (letters[i] === "_") continue;
    out.add(letters.filter((_c, j) => j !== i).join("")); // one letter dropped
    out.add(letters.map((c, j) => (j === i ? (c === "x" ? "q" : "x") : c)).join("")); // one changed
    out.add([...letters.slice(0, i), "z", ...letters.slice(i)].join("")); // one added
    if (i + 1 < letters.length && letters[i + 1] !== "_" && letters[i] !== letters[i + 1])
      out.add([...letters.slice(0, i), letters[i + 1], letters[i], ...letters.slice(i + 2)].join("")); // swapped
  }
  out.delete(name);
  return [...out];
}

const LISTED = [
  "run_commands",
  "run-command",
  "runcommand",
  "Run_Command",
  "run_comand",
  "propose_tools",
  "load_skills",
];

describe("tool names that imitate a built-in", () => {
  const IMITATIONS = [...new Set([...LISTED, ...BUILTIN_NAMES.flatMap(imitations)])];
  it.each(IMITATIONS)("%s is refused", (name) => {
    expect(nearBuiltin(name, BUILTIN_NAMES)).not.toBeNull();
    expect(nameProblem(name, BUILTIN_NAMES)).toMatch(/built-in tool/);
  });

  const LEGITIMATE = [
    "count_lines",
    "read_skill",
    "list_skills",
    "upload_tools",
    "propose_todo",
    "run_tests",
    "run_python",
    "lint_command",
    "git_commit",
    "log_event",
    "reload_config",
    "load_fixture",
    "search_tools",
    "format_code",
    "word_count",
    "safe_read",
  ];
  it.each(LEGITIMATE)("%s is a fine name", (name) => {
    expect(nearBuiltin(name, BUILTIN_NAMES)).toBeNull();
    expect(nameProblem(name, BUILTIN_NAMES)).toBeNull();
  });

  it("leaves every tool Ratchet ships alone", () => {
    const shipped = readdirSync(path.join(process.cwd(), "tools"))
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => f.slice(0, -4));
    expect(shipped.length).toBeGreaterThan(0);
    for (const name of shipped) expect(nameProblem(name, BUILTIN_NAMES), name).toBeNull();
  });

  it("refuses a look-alike before it is stored, with the built-in named", async () => {
    const refused = await proposeTool(
      { name: "run_commands", source: "export const x = 1;", sessionId: null, origin: "agent" },
      BUILTIN_NAMES,
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(400);
    expect((refused as ApiError).message).toMatch(/too close to the built-in tool run_command/);
  });
});

describe("nameSkeleton / editDistance", () => {
  it("reads case, separators and look-alikes as the same letters", () => {
    expect(nameSkeleton("Run-C0mmand_")).toBe("runcommand");
    expect(nearBuiltin("run_cornrnand", ["run_command"])).toBe("run_command");
    expect(nearBuiltin("log_leaming_event", ["log_learning_event"])).toBe("log_learning_event");
  });

  it.each([
    ["abc", "abc", 0],
    ["abc", "abd", 1],
    ["abc", "ab", 1],
    ["abc", "abcd", 1],
    ["abc", "acb", 1],
    ["abcd", "badc", 2],
    ["kitten", "sitting", 3],
  ])("%s → %s is %d", (a, b, d) => {
    expect(editDistance(a, b, 5)).toBe(d);
  });

  it("stops counting above the limit", () => {
    expect(editDistance("abcdef", "uvwxyz", 1)).toBe(2);
  });
});
