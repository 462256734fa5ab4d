// Module hooks of the tool host (registered with module.register before the tool is imported):
// every module the tool loads, statically, with import(), or through import.meta.resolve, passes
// here, whatever the static check in lib/tools/import-policy.ts saw. Allowed: the built-ins and
// packages the server lists, and the tool's own file only if its bytes hash to the approved sha256,
// so what runs is what was approved. Everything else (files, the workspace, data:, http:, symlinks
// into either) is refused here, in the loader thread, out of the tool's reach.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** @type {{ hostURL: string, toolURL: string, sha256: string, builtins: Set<string>, packages: Map<string, string>, refusal: string, subprocessRefusal: string, subprocessBuiltins: Set<string> }} */
let policy;
/** URLs this hook resolved and allowed; only these may be loaded. */
const allowed = new Set();

export function initialize(data) {
  policy = {
    hostURL: data.hostURL,
    toolURL: data.toolURL,
    sha256: data.sha256,
    builtins: new Set(data.builtins),
    packages: new Map(Object.entries(data.packages)),
    refusal: data.refusal,
    subprocessRefusal: data.subprocessRefusal,
    subprocessBuiltins: new Set(data.subprocessBuiltins),
  };
}

function refuse(specifier, why) {
  const error = new Error(`import "${specifier}" refused: ${why}`);
  error.code = "ERR_RATCHET_IMPORT_REFUSED";
  throw error;
}

/** The allowed package whose installed folder holds `url`, if any. */
function packageOf(url) {
  if (!url?.startsWith("file:")) return null;
  const file = fileURLToPath(url);
  for (const [name, root] of policy.packages)
    if (file === root || file.startsWith(root + path.sep)) return name;
  return null;
}

/** `zod/v4` → `zod`, `@scope/pkg/x` → `@scope/pkg`; null for anything that is not a bare name. */
function packageName(specifier) {
  if (!/^[a-z0-9@]/i.test(specifier) || specifier.includes(":") || specifier.includes("\\")) return null;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return name && !parts.includes("..") && !parts.includes(".") ? name : null;
}

function allow(resolved) {
  allowed.add(resolved.url);
  return resolved;
}

async function resolveForTool(specifier, context, nextResolve) {
  const builtin = specifier.startsWith("node:") ? specifier.slice("node:".length) : specifier;
  if (policy.builtins.has(builtin)) return allow({ url: `node:${builtin}`, shortCircuit: true });
  if (policy.subprocessBuiltins.has(builtin)) refuse(specifier, policy.subprocessRefusal);
  const name = packageName(specifier);
  if (name && policy.packages.has(name)) {
    // resolved from the host, so from the app's node_modules, never from near the tool's file
    const resolved = await nextResolve(specifier, { ...context, parentURL: policy.hostURL });
    if (packageOf(resolved.url) === name) return allow(resolved);
    refuse(specifier, `it resolved to ${resolved.url}, outside the installed package ${name}`);
  }
  refuse(specifier, policy.refusal);
}

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent === policy.hostURL) {
    // the host itself: the tool's file, and undici when the tool fetches
    if (specifier === policy.toolURL) return allow({ url: policy.toolURL, shortCircuit: true });
    return allow(await nextResolve(specifier, context));
  }
  if (parent === policy.toolURL) return resolveForTool(specifier, context, nextResolve);
  if (packageOf(parent)) {
    // an allowed package's own code: built-ins and its own installed files
    const resolved = await nextResolve(specifier, context);
    if (resolved.url.startsWith("node:") || packageOf(resolved.url)) return allow(resolved);
    refuse(specifier, `an allowed package may load only built-ins and its own files, not ${resolved.url}`);
  }
  refuse(specifier, `it is loaded from ${parent ?? "nowhere"}, which is not the approved tool`);
}

export async function load(url, context, nextLoad) {
  if (url === policy.toolURL) {
    // hash the bytes that will run, not a copy: nothing can swap them in between
    const source = readFileSync(fileURLToPath(url));
    const actual = createHash("sha256").update(source).digest("hex");
    if (actual !== policy.sha256) {
      const error = new Error(
        `the tool's source is not the approved version (its sha256 is ${actual.slice(0, 12)}…, the approved one ${policy.sha256.slice(0, 12)}…): it was not run`,
      );
      error.code = "ERR_RATCHET_TOOL_CHANGED";
      throw error;
    }
    return { format: "module", source, shortCircuit: true };
  }
  if (url.startsWith("node:") || allowed.has(url)) return nextLoad(url, context);
  refuse(url, "it was not resolved through the tool's allowlist");
}
