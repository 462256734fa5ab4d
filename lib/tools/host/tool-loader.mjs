// Module hooks of the tool host: every module the tool loads, statically, with import(), or through
// import.meta.resolve, passes here, whatever the static check in lib/tools/import-policy.ts saw.
// Allowed: the built-ins and packages the server lists, and the tool's own file only if its bytes
// hash to the approved sha256, so what runs is what was approved. Everything else (files, the
// workspace, data:, http:, symlinks into either) is refused.
//
// Two ways in, one policy. Where Node has module.registerHooks (22.15+, 23.5+) the hooks run
// synchronously in the tool's own thread (resolveSync, loadSync): starting the separate hooks
// thread of module.register cost 60-120 ms per call, most of a trivial tool call. Code in the same
// thread can tamper with what the hooks use once the tool runs (String.prototype.startsWith,
// Set.prototype.has, an array iterator's next, URL's getters), so nothing here looks a method up
// at call time: the built-in methods are taken when this module is evaluated, before any tool
// code exists, URLs are compared as strings against prefixes computed then, and the tool host
// freezes URL before the tool loads (tool-host.mjs). Older Nodes register the async hooks
// (initialize, resolve, load) with module.register, in the hooks thread, out of the tool's reach.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

// `uncurry(String.prototype.startsWith)(s, x)` is `s.startsWith(x)` with the method fixed now
const uncurry = Function.prototype.bind.bind(Function.prototype.call);
const startsWith = uncurry(String.prototype.startsWith);
const sliceString = uncurry(String.prototype.slice);
const indexOf = uncurry(String.prototype.indexOf);
const charCodeAt = uncurry(String.prototype.charCodeAt);
const setHas = uncurry(Set.prototype.has);
const setAdd = uncurry(Set.prototype.add);
const mapHas = uncurry(Map.prototype.has);
const mapSet = uncurry(Map.prototype.set);
const SafeSet = Set;
const SafeMap = Map;
const SafeError = Error;

/** @type {{ hostURL: string, toolURL: string, toolPath: string, sha256: string, builtins: Set<string>, packages: Map<string, true>, packageNames: string[], packageRoots: string[], refusal: string, subprocessRefusal: string, subprocessBuiltins: Set<string>, sync: boolean }} */
let policy;
/** URLs this hook resolved and allowed; only these may be loaded. */
const allowed = new SafeSet();

/** Sets the policy, once: a second call (from anything but the host, before the tool) is refused. */
export function initialize(data) {
  if (policy) throw new SafeError("the tool loader is initialized already");
  const packages = new SafeMap();
  const packageNames = [];
  const packageRoots = [];
  // each allowed package by the file: URL prefix of its installed folder, as Node's resolver spells it
  for (const [name, root] of Object.entries(data.packages)) {
    mapSet(packages, name, true);
    packageNames.push(name);
    packageRoots.push(pathToFileURL(root).href);
  }
  policy = {
    hostURL: data.hostURL,
    toolURL: data.toolURL,
    toolPath: fileURLToPath(data.toolURL),
    sha256: data.sha256,
    builtins: new SafeSet(data.builtins),
    packages,
    packageNames,
    packageRoots,
    refusal: data.refusal,
    subprocessRefusal: data.subprocessRefusal,
    subprocessBuiltins: new SafeSet(data.subprocessBuiltins),
    sync: data.sync === true,
  };
}

function refuse(specifier, why) {
  const error = new SafeError(`import "${specifier}" refused: ${why}`);
  error.code = "ERR_RATCHET_IMPORT_REFUSED";
  throw error;
}

/** Runs `then` on a hook result: at once in the in-thread hooks, after it settles in the thread's. */
function after(result, then) {
  return policy.sync ? then(result) : Promise.resolve(result).then(then);
}

/** The allowed package whose installed folder holds `url`, if any. */
function packageOf(url) {
  if (typeof url !== "string" || !startsWith(url, "file:")) return null;
  // an index loop over plain arrays: an iterator's `next` is the tool's to replace
  const { packageNames, packageRoots } = policy;
  for (let i = 0; i < packageNames.length; i++) {
    const root = packageRoots[i];
    if (url === root || startsWith(url, `${root}/`)) return packageNames[i];
  }
  return null;
}

function isNameCharacter(code) {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/** `zod/v4` → `zod`, `@scope/pkg/x` → `@scope/pkg`; null for anything that is not a bare name. */
function packageName(specifier) {
  if (specifier.length === 0) return null;
  const first = charCodeAt(specifier, 0);
  if (!isNameCharacter(first) && first !== 64 /* @ */) return null;
  if (indexOf(specifier, ":") !== -1 || indexOf(specifier, "\\") !== -1) return null;
  // no `.` or `..` segment anywhere
  const wrapped = `/${specifier}/`;
  if (indexOf(wrapped, "/./") !== -1 || indexOf(wrapped, "/../") !== -1) return null;
  const slash = indexOf(specifier, "/");
  if (first !== 64) return slash === -1 ? specifier : sliceString(specifier, 0, slash);
  if (slash === -1) return null;
  const second = indexOf(specifier, "/", slash + 1);
  return second === -1 ? specifier : sliceString(specifier, 0, second);
}

function allow(resolved) {
  setAdd(allowed, resolved.url);
  return resolved;
}

function resolveForTool(specifier, context, nextResolve) {
  const builtin = startsWith(specifier, "node:") ? sliceString(specifier, 5) : specifier;
  if (setHas(policy.builtins, builtin)) return allow({ url: `node:${builtin}`, shortCircuit: true });
  if (setHas(policy.subprocessBuiltins, builtin)) refuse(specifier, policy.subprocessRefusal);
  const name = packageName(specifier);
  if (name !== null && mapHas(policy.packages, name)) {
    // resolved from the host, so from the app's node_modules, never from near the tool's file
    return after(nextResolve(specifier, { ...context, parentURL: policy.hostURL }), (resolved) => {
      if (packageOf(resolved.url) === name) return allow(resolved);
      return refuse(specifier, `it resolved to ${resolved.url}, outside the installed package ${name}`);
    });
  }
  return refuse(specifier, policy.refusal);
}

function resolveAny(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent === policy.hostURL) {
    // the host itself: the tool's file, and undici when the tool fetches
    if (specifier === policy.toolURL) return allow({ url: policy.toolURL, shortCircuit: true });
    return after(nextResolve(specifier, context), allow);
  }
  if (parent === policy.toolURL) return resolveForTool(specifier, context, nextResolve);
  if (packageOf(parent) !== null) {
    // an allowed package's own code: built-ins and its own installed files
    return after(nextResolve(specifier, context), (resolved) => {
      if (startsWith(resolved.url, "node:") || packageOf(resolved.url) !== null) return allow(resolved);
      return refuse(
        specifier,
        `an allowed package may load only built-ins and its own files, not ${resolved.url}`,
      );
    });
  }
  return refuse(specifier, `it is loaded from ${parent ?? "nowhere"}, which is not the approved tool`);
}

function loadAny(url, context, nextLoad) {
  if (url === policy.toolURL) {
    // hash the bytes that will run, not a copy: nothing can swap them in between
    const source = readFileSync(policy.toolPath);
    const actual = createHash("sha256").update(source).digest("hex");
    if (actual !== policy.sha256) {
      const error = new SafeError(
        `the tool's source is not the approved version (its sha256 is ${sliceString(actual, 0, 12)}…, the approved one ${sliceString(policy.sha256, 0, 12)}…): it was not run`,
      );
      error.code = "ERR_RATCHET_TOOL_CHANGED";
      throw error;
    }
    return { format: "module", source, shortCircuit: true };
  }
  if (startsWith(url, "node:") || setHas(allowed, url)) return nextLoad(url, context);
  return refuse(url, "it was not resolved through the tool's allowlist");
}

/** module.register's hooks (hooks thread). */
export async function resolve(specifier, context, nextResolve) {
  return resolveAny(specifier, context, nextResolve);
}

export async function load(url, context, nextLoad) {
  return loadAny(url, context, nextLoad);
}

/** module.registerHooks's hooks (the tool's thread). */
export function resolveSync(specifier, context, nextResolve) {
  return resolveAny(specifier, context, nextResolve);
}

export function loadSync(url, context, nextLoad) {
  return loadAny(url, context, nextLoad);
}
