import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ALLOWED_BUILTINS,
  ALLOWED_PACKAGES,
  importProblem,
  packageName,
  refusedImports,
} from "./import-policy";
import { findModuleLoads } from "./import-scan";

const loads = (source: string) => findModuleLoads(source).map((l) => [l.line, l.specifier, l.dynamic]);

describe("findModuleLoads", () => {
  it.each([
    ['import fs from "node:fs";', [[1, "node:fs", false]]],
    ["import { a, b as c } from 'x';", [[1, "x", false]]],
    ['import * as ns from "x";', [[1, "x", false]]],
    ['import def, { a } from "x";', [[1, "x", false]]],
    ['import def, * as ns from "x";', [[1, "x", false]]],
    ['import "side-effect";', [[1, "side-effect", false]]],
    ['import data from "./d.json" with { type: "json" };', [[1, "./d.json", false]]],
    ['import { "a-b" as c } from "x";', [[1, "x", false]]],
    ['import from from "x";', [[1, "x", false]]],
    ["import {\n  a,\n  b,\n} from\n  'x';", [[1, "x", false]]],
    ['export * from "x";', [[1, "x", false]]],
    ['export * as ns from "x";', [[1, "x", false]]],
    ['export { a, b as c } from "x";', [[1, "x", false]]],
    ['export { a };\nimport "y";', [[2, "y", false]]],
    ["export const a = 1;", []],
    ["export default function f() {}", []],
    ['await import("x");', [[1, "x", true]]],
    ["await import('x', { with: { type: 'json' } });", [[1, "x", true]]],
    ["await import(`x`);", [[1, "x", true]]],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    ["await import(`./${name}.mjs`);", [[1, null, true]]],
    ["await import(base + '/x.mjs');", [[1, null, true]]],
    ["await import('a' + 'b');", [[1, null, true]]],
    ["await import(name);", [[1, null, true]]],
    ['await import("\\x2e/x.mjs");', [[1, null, true]]],
    ["await import /* hidden */ ('x');", [[1, "x", true]]],
    ["const u = import.meta.url;", []],
    ['import.meta.resolve("x");', []],
    ["const o = { import: 1 }; o.import;", []],
  ])("%s", (source, expected) => {
    expect(loads(source)).toEqual(expected);
  });

  it.each([
    ['// import "x";', "a line comment"],
    ['/* import "x"; */', "a block comment"],
    ['/*\n import x from "y";\n*/', "a multi-line comment"],
    ["const s = 'import x from \"y\"';", "a single-quoted string"],
    ["const s = \"await import('y')\";", "a double-quoted string"],
    ["const s = `import x from 'y'`;", "a template literal"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    ["const s = `${a} import('y') ${b}`;", "a template literal with substitutions"],
    ["const r = /import('y')/g;", "a regular expression"],
    ["const r = x.replace(/\\/* import('y') */g, '');", "a regular expression with an escaped slash"],
    ["const r = /[/]import('y')/;", "a slash in a character class"],
  ])("ignores what only looks like an import, in %s (%s)", (source) => {
    expect(loads(source)).toEqual([]);
  });

  it("sees an import after a template literal with nested braces and a division", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source under test
    const source = "const t = `${{ a: 1 }.a}`;\nconst d = a / b / c;\nawait import('x');\n";
    expect(loads(source)).toEqual([[3, "x", true]]);
  });

  it("counts lines across strings, templates and comments", () => {
    const source = "const a = `\n\n`;\n/*\n*/\n// c\nimport 'x';";
    expect(loads(source)).toEqual([[7, "x", false]]);
  });

  it("reads the shipped starters as importing built-ins only (safe_read has import text in a string)", () => {
    const dir = path.join(process.cwd(), "tools");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".mjs"))) {
      const found = findModuleLoads(readFileSync(path.join(dir, file), "utf8"));
      expect(found.length, file).toBeGreaterThan(0);
      for (const load of found) expect(load.specifier ?? "", file).toMatch(/^node:/);
    }
  });
});

describe("importProblem", () => {
  it("allows every listed built-in, with or without node:", () => {
    for (const name of ALLOWED_BUILTINS) {
      const scope = { subprocess: true };
      expect(importProblem(`node:${name}`, scope), name).toBeNull();
      expect(importProblem(name, scope), name).toBeNull();
    }
  });

  it("allows the listed packages and their subpaths", () => {
    for (const name of ALLOWED_PACKAGES) {
      expect(importProblem(name, { subprocess: false })).toBeNull();
      expect(importProblem(`${name}/sub/path`, { subprocess: false })).toBeNull();
    }
  });

  it.each([
    ["./helper.mjs", /file outside the tool/],
    ["../x.mjs", /file outside the tool/],
    ["/abs/helper.mjs", /file outside the tool/],
    ["file:///abs/helper.mjs", /file outside the tool/],
    ["data:text/javascript,1", /refused/],
    ["http://example.com/x.mjs", /refused/],
    ["node:module", /loads any file/],
    ["module", /loads any file/],
    ["node:vm", /compiles strings/],
    ["vm", /compiles strings/],
    ["node:worker_threads", /runs other files/],
    ["node:cluster", /runs other files/],
    ["node:inspector", /evaluates strings/],
    ["node:repl", /compiles strings/],
    ["node:wasi", /WebAssembly/],
    ["node:v8", /engine's flags/],
    ["node:test", /test files/],
    ["node:fs?x", /refused/],
    ["NODE:fs", /refused/],
    ["ajv", /refused/],
    ["tsx/esm/api", /refused/],
    ["zod/../ajv", /refused/],
    ["@prisma/client", /refused/],
    [null, /computed specifier/],
  ])("refuses %j", (specifier, reason) => {
    expect(importProblem(specifier, { subprocess: true })).toMatch(reason);
  });

  it("allows child_process only with capabilities.subprocess", () => {
    for (const spec of ["node:child_process", "child_process"]) {
      expect(importProblem(spec, { subprocess: false })).toMatch(/capabilities\.subprocess: true/);
      expect(importProblem(spec, { subprocess: true })).toBeNull();
    }
  });

  it("names packages the way Node does", () => {
    expect(packageName("zod")).toBe("zod");
    expect(packageName("zod/v4")).toBe("zod");
    expect(packageName("@scope/pkg/x")).toBe("@scope/pkg");
    for (const notBare of ["./x", "/x", "file:x", "node:fs", "zod/../x", "a\\b", ".hidden"])
      expect(packageName(notBare), notBare).toBeNull();
  });

  it("lists each refused load with its line", () => {
    const source = 'import fs from "node:fs";\nimport h from "/ws/helper.mjs";\nawait import(p);\n';
    expect(refusedImports(source, { subprocess: false }).map((r) => [r.line, r.specifier])).toEqual([
      [2, "/ws/helper.mjs"],
      [3, null],
    ]);
  });
});
