// npm test (static stage): the folders of lib/ import each other in one direction only.
//   1. lib/db imports nothing of lib/ but itself and the top-level modules (lib/env.ts, lib/errors.ts):
//      domain folders use the database, the database knows no domain.
//   2. No two folders depend on each other, directly or round a longer loop (a cycle of folders).
// Imports are read from the source text (static, dynamic and type-only imports and re-exports all
// count: a type is a dependency too); test files and the generated Prisma clients are left out.
// Prints every offending import with its file; exits 1 when there is one.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Cycles known and being removed (none now). Each pair is ignored in both directions; an entry that
 * is no longer a cycle fails the check, so the list only shrinks.
 */
export const PENDING_CYCLES: ReadonlyArray<readonly [string, string]> = [];

export interface Import {
  /** The importing file, relative to the repository ("lib/db/queries/events.ts"). */
  file: string;
  /** The imported file or folder path, relative to the repository, without extension. */
  target: string;
}

const SOURCE = /\.tsx?$/;
const TEST = /\.test\.tsx?$/;
const SKIPPED = ["lib/db/generated"];

/** Every non-test TypeScript file under `dir`, relative to `root`. */
export function sourceFiles(root: string, dir = "lib"): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (SKIPPED.includes(rel)) continue;
    if (entry.isDirectory()) files.push(...sourceFiles(root, rel));
    else if (SOURCE.test(entry.name) && !TEST.test(entry.name)) files.push(rel);
  }
  return files;
}

// `import … from "x"`, `export … from "x"` (across lines), `import "x"`, `import("x")`, `import type`.
const SPECIFIERS = [
  /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm,
  /^\s*import\s*["']([^"']+)["']/gm,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** The lib/ paths a file imports (aliases and relative paths resolved; packages left out). */
export function importsOf(file: string, source: string): Import[] {
  const found: Import[] = [];
  for (const pattern of SPECIFIERS) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1] ?? "";
      const target = specifier.startsWith("@/")
        ? specifier.slice(2)
        : specifier.startsWith(".")
          ? path.posix.join(path.posix.dirname(file), specifier)
          : null;
      if (target?.startsWith("lib/")) found.push({ file, target: target.replace(SOURCE, "") });
    }
  }
  return found;
}

/** "lib/agent/tools/x" → "agent"; a top-level module "lib/env" → "env". */
export function layerOf(libPath: string): string {
  return libPath.split("/")[1]?.replace(SOURCE, "") ?? "";
}

/** Top-level modules (lib/env.ts) are files, not folders: leaves anyone may import. */
function isTopLevel(libPath: string): boolean {
  return libPath.split("/").length === 2;
}

/** Rule 1: what lib/db imports from outside itself, other than the top-level modules. */
function dbImportsDomain(imports: Import[]): string[] {
  return imports
    .filter((i) => layerOf(i.file) === "db" && layerOf(i.target) !== "db" && !isTopLevel(i.target))
    .map((i) => `${i.file} imports ${i.target}: lib/db imports no domain folder`);
}

const pairKey = (a: string, b: string) => [a, b].sort().join(" ↔ ");

/** Strongly connected components of more than one layer (Tarjan), each sorted. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w !== undefined) component.push(w);
    } while (w !== v && w !== undefined);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Rule 2: cycles of folders, each with the imports that make it; and pending entries that are no longer cycles. */
function folderCycles(imports: Import[], pending: ReadonlyArray<readonly [string, string]>): string[] {
  const ignored = new Set(pending.map(([a, b]) => pairKey(a, b)));
  const edges = new Map<string, Set<string>>();
  const evidence = new Map<string, string[]>();
  for (const { file, target } of imports) {
    const from = layerOf(file);
    const to = layerOf(target);
    if (from === to) continue;
    const key = `${from} → ${to}`;
    evidence.set(key, [...(evidence.get(key) ?? []), `${file} imports ${target}`]);
    if (ignored.has(pairKey(from, to))) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)?.add(to);
  }
  const problems: string[] = [];
  for (const component of cycles(edges)) {
    const inside = new Set(component);
    const lines = [...evidence]
      .filter(([key]) => key.split(" → ").every((layer) => inside.has(layer)))
      .flatMap(([key, files]) => files.map((f) => `    ${key}: ${f}`));
    problems.push(`folders that import each other: ${component.join(", ")}\n${lines.join("\n")}`);
  }
  for (const [a, b] of pending) {
    if (!evidence.has(`${a} → ${b}`) || !evidence.has(`${b} → ${a}`))
      problems.push(`${pairKey(a, b)} is no longer a cycle: remove it from PENDING_CYCLES`);
  }
  return problems;
}

/** Every broken rule, one message each (empty when the layers hold). */
export function layerProblems(
  imports: Import[],
  pending: ReadonlyArray<readonly [string, string]> = PENDING_CYCLES,
): string[] {
  return [...dbImportsDomain(imports), ...folderCycles(imports, pending)];
}

export function repositoryImports(root: string): Import[] {
  return sourceFiles(root).flatMap((file) => importsOf(file, readFileSync(path.join(root, file), "utf8")));
}

function main(): void {
  const problems = layerProblems(repositoryImports(process.cwd()));
  if (problems.length === 0) {
    console.log("layers: lib/db imports no domain folder; no folders import each other");
    return;
  }
  console.error(`layers: ${problems.length} problem(s)\n${problems.map((p) => `- ${p}`).join("\n")}`);
  process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
