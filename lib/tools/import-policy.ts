import { realpathSync } from "node:fs";
import path from "node:path";
import { processState } from "@/lib/process-state";
import { findModuleLoads } from "./import-scan";

/**
 * What a tool may load. Approval covers a tool's exact source (its sha256), so everything else it
 * runs must be fixed by Ratchet itself: Node's built-ins and a few packages Ratchet installs. A tool
 * is one file: no relative or absolute paths, no `file:`, `data:` or `http:` URLs, nothing from
 * the workspace. The tool host enforces this list at run time (lib/tools/host/tool-loader.mjs);
 * the static check below says the same before a person is asked to approve.
 */

/**
 * Built-ins a tool may import, with or without `node:`. Left out, on purpose, every module that
 * loads or compiles code the approved hash does not cover: `module` (createRequire, register),
 * `vm` and `repl` (compile strings), `worker_threads` and `cluster` (run other files), `inspector`
 * (evaluates strings despite the code-generation ban), `wasi` (runs a WebAssembly program with
 * file access), `v8` (setFlagsFromString), `test` (runs test files); and the deprecated
 * `domain`, `punycode`, `sys`, `constants`, `trace_events`.
 */
export const ALLOWED_BUILTINS: readonly string[] = [
  "assert",
  "assert/strict",
  "async_hooks",
  "buffer",
  "child_process",
  "console",
  "crypto",
  "dgram",
  "diagnostics_channel",
  "dns",
  "dns/promises",
  "events",
  "fs",
  "fs/promises",
  "http",
  "http2",
  "https",
  "net",
  "os",
  "path",
  "path/posix",
  "path/win32",
  "perf_hooks",
  "process",
  "querystring",
  "readline",
  "readline/promises",
  "stream",
  "stream/consumers",
  "stream/promises",
  "stream/web",
  "string_decoder",
  "timers",
  "timers/promises",
  "tls",
  "tty",
  "url",
  "util",
  "util/types",
  "zlib",
];

/** Starts other programs: only a tool that declares `capabilities.subprocess: true` gets it. */
export const SUBPROCESS_BUILTINS: readonly string[] = ["child_process"];

/**
 * Packages Ratchet ships that a tool may import (and their subpaths): plain libraries that load
 * no other code and need no code generation from strings. Others are left out: `ajv` compiles
 * schemas with `new Function`, `tsx` loads any file, native addons load machine code.
 */
export const ALLOWED_PACKAGES: readonly string[] = ["marked", "yaml", "zod"];

const REFUSED_BECAUSE: Readonly<Record<string, string>> = {
  module: "it loads any file (createRequire, register)",
  vm: "it compiles strings as code",
  repl: "it compiles strings as code",
  worker_threads: "it runs other files and strings in a thread",
  cluster: "it runs other files",
  inspector: "it evaluates strings as code",
  "inspector/promises": "it evaluates strings as code",
  wasi: "it runs a WebAssembly program with file access",
  v8: "it changes the engine's flags",
  test: "it runs test files",
};

export interface ImportScope {
  /** `capabilities.subprocess`; unknown (before the module is inspected) counts as true. */
  subprocess: boolean;
}

const WHAT_IS_ALLOWED = `a tool may import only Node built-ins (node:fs, node:path, …), the packages ${ALLOWED_PACKAGES.join(", ")}, and nothing else: a tool is one file, and approval covers exactly that file`;

function builtinName(specifier: string): string {
  return specifier.startsWith("node:") ? specifier.slice("node:".length) : specifier;
}

/** The package a bare specifier names (`zod/v4` → `zod`, `@scope/pkg/x` → `@scope/pkg`). */
export function packageName(specifier: string): string | null {
  if (!/^[a-z0-9@]/i.test(specifier) || specifier.includes(":") || specifier.includes("\\")) return null;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return name && !parts.includes("..") && !parts.includes(".") ? name : null;
}

/** Why a tool may not load `specifier` (null for a computed one), or null when it may. */
export function importProblem(specifier: string | null, scope: ImportScope): string | null {
  if (specifier === null)
    return `import() with a computed specifier cannot be checked before the tool runs and is refused at run time; import modules by name, as a string literal (${WHAT_IS_ALLOWED})`;
  const builtin = builtinName(specifier);
  if (ALLOWED_BUILTINS.includes(builtin)) {
    if (SUBPROCESS_BUILTINS.includes(builtin) && !scope.subprocess)
      return `"${specifier}" starts other programs: declare capabilities.subprocess: true, or do without it`;
    return null;
  }
  const refusal = REFUSED_BECAUSE[builtin];
  if (refusal && (specifier.startsWith("node:") || !specifier.includes("/")))
    return `"${specifier}" is refused: ${refusal}; ${WHAT_IS_ALLOWED}`;
  const pkg = packageName(specifier);
  if (pkg && ALLOWED_PACKAGES.includes(pkg)) return null;
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:"))
    return `"${specifier}" is a file outside the tool: ${WHAT_IS_ALLOWED}; put the code in the tool itself`;
  return `"${specifier}" is refused: ${WHAT_IS_ALLOWED}`;
}

export interface RefusedImport {
  line: number;
  specifier: string | null;
  problem: string;
}

/** Every load in `source` the rules above refuse. */
export function refusedImports(source: string, scope: ImportScope): RefusedImport[] {
  return findModuleLoads(source).flatMap((load) => {
    const problem = importProblem(load.specifier, scope);
    return problem ? [{ line: load.line, specifier: load.specifier, problem }] : [];
  });
}

/** One line per refused load, for a validation check, a catalog refusal or the sync report. */
export function describeRefusedImports(refused: RefusedImport[]): string {
  return refused.map((r) => `line ${r.line}: ${r.problem}`).join("\n");
}

/** By sha256 and capability: a version's source never changes, so neither does the answer. */
const refusedBySource = processState("tools.importRefusals", () => new Map<string, RefusedImport[]>());

/**
 * Why a version may not run because of what it loads (one approved before imports were checked:
 * a workspace module, a file, a computed import), or null. Cached: the catalog asks every turn.
 */
export function importRefusal(sha256: string, source: string, subprocess: boolean): string | null {
  const key = `${sha256}:${subprocess}`;
  let refused = refusedBySource().get(key);
  if (!refused) {
    refused = refusedImports(source, { subprocess });
    refusedBySource().set(key, refused);
  }
  if (!refused.length) return null;
  return `it loads code its approval does not cover: ${refused.map((r) => `line ${r.line}: ${r.problem}`).join("; ")}`;
}

/** The installed folder of each allowed package (the tool host resolves and reads them there). */
export function allowedPackageRoots(appDir: string): Record<string, string> {
  const roots: Record<string, string> = {};
  for (const name of ALLOWED_PACKAGES) {
    try {
      roots[name] = realpathSync(/*turbopackIgnore: true*/ path.join(appDir, "node_modules", name));
    } catch {
      // not installed: an import of it fails to resolve, as it would anywhere
    }
  }
  return roots;
}
