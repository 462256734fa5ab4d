// Runs one agent-written tool module inside the sandbox: the server never imports tool code.
// usage: node tool-host.mjs <dir> <policy> [--wait]; reads <dir>/request.json and <dir>/tool.mjs,
// writes <dir>/response.json. <policy> is the loader policy and the tool's approved sha256 (JSON).
// With --wait it was started before its call (lib/sandbox/prestart.ts): it puts its hooks in
// place, then waits for one byte on stdin, written once the call's files are there.
// The server starts it with --disallow-code-generation-from-strings (no eval, no new Function) and
// an inspector address nothing can bind (lib/tools/host.ts), so the only code that runs is what
// the loader hooks let through.
import { closeSync, openSync, readSync, realpathSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import nodeModule from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [dirArg, policyArg, waitArg] = process.argv.slice(2);
// the real path: the loader compares URLs, and Node resolves a file to its real path. The folder
// itself may not exist yet (--wait): its parent, the private temp folder, does
const dir = path.join(realpathSync(path.dirname(dirArg)), path.basename(dirArg));
const MAX_RESPONSE = 1024 * 1024;

function describeError(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack ?? "" };
  return { name: "Thrown", message: String(error), stack: "" };
}

function toJson(value) {
  const seen = new WeakSet();
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "function") return `[function ${v.name || "anonymous"}]`;
    if (v && typeof v === "object") {
      if (seen.has(v)) throw new Error("the value is circular");
      seen.add(v);
    }
    return v;
  });
}

async function respond(body) {
  let text;
  try {
    text = toJson(body);
  } catch (error) {
    text = JSON.stringify({ phase: body.phase, unserializable: describeError(error).message });
  }
  if (Buffer.byteLength(text) > MAX_RESPONSE) {
    text = JSON.stringify({
      phase: body.phase,
      unserializable: `the result is larger than ${MAX_RESPONSE} bytes`,
    });
  }
  await writeFile(path.join(dir, "response.json"), text);
}

/**
 * Node's fetch ignores HTTP(S)_PROXY; route it through the sandbox proxy when the tool may use the
 * network. Loading undici costs about 150 ms of CPU, so only a tool that fetches pays it.
 */
function routeFetchThroughProxy() {
  if (process.env.RATCHET_TOOL_NETWORK !== "1" || typeof globalThis.fetch !== "function") return;
  const nativeFetch = globalThis.fetch;
  let routed;
  globalThis.fetch = async (...args) => {
    routed ??= import("undici").then(
      ({ EnvHttpProxyAgent, setGlobalDispatcher }) => setGlobalDispatcher(new EnvHttpProxyAgent()),
      // without undici, fetch fails closed inside the sandbox
      () => {},
    );
    await routed;
    return nativeFetch(...args);
  };
}

/**
 * Where Node has them, the hooks run in this thread (module.registerHooks, no thread to start);
 * what they rely on that the tool could reach is frozen first: Node's resolver and loader parse
 * every URL with the global URL class, whose getters a tool could otherwise redefine to turn an
 * allowed URL into another file or built-in.
 */
async function registerInThread(data) {
  for (const target of [URL, URL.prototype, URLSearchParams, URLSearchParams.prototype])
    Object.freeze(target);
  const hooks = await import("./tool-loader.mjs");
  hooks.initialize({ ...data, sync: true });
  nodeModule.registerHooks({ resolve: hooks.resolveSync, load: hooks.loadSync });
}

/**
 * Registers the loader hooks (tool-loader.mjs) and takes away what would load code past them:
 * process.binding (compiles strings through contextify, spawns through process_wrap),
 * process.dlopen (native code), process._debugProcess (opens the inspector, which evaluates
 * strings) and process.getBuiltinModule for built-ins the tool may not import.
 */
async function confine(policy, toolURL) {
  const { loader } = policy;
  const data = { ...loader, hostURL: import.meta.url, toolURL, sha256: policy.sha256 };
  if (typeof nodeModule.registerHooks === "function") await registerInThread(data);
  else nodeModule.register("./tool-loader.mjs", import.meta.url, { data });
  const refused = (name) =>
    function refusedToTools() {
      throw new Error(
        `process.${name} is not available to tools: it would run code their approval does not cover`,
      );
    };
  for (const name of ["binding", "_linkedBinding", "dlopen", "_debugProcess"])
    Object.defineProperty(process, name, { value: refused(name), writable: false, configurable: false });
  const getBuiltin = process.getBuiltinModule?.bind(process);
  if (getBuiltin) {
    const builtins = new Set(loader.builtins);
    const subprocess = new Set(loader.subprocessBuiltins);
    Object.defineProperty(process, "getBuiltinModule", {
      value: (id) => {
        const name = String(id).startsWith("node:") ? String(id).slice("node:".length) : String(id);
        if (!builtins.has(name))
          throw new Error(
            `process.getBuiltinModule("${id}") refused: ${subprocess.has(name) ? loader.subprocessRefusal : loader.refusal}`,
          );
        return getBuiltin(id);
      },
      writable: false,
      configurable: false,
    });
  }
}

function exportKinds(mod) {
  return Object.fromEntries(Object.keys(mod).map((key) => [key, typeof mod[key]]));
}

/**
 * The go of a host started before its call. Read blocking, in this thread: nothing else is to be
 * done meanwhile (the hooks thread, where there is one, is started already). EOF means the
 * sandbox was discarded unused. Then stdin becomes /dev/null, as a fresh command's is (the gate
 * in lib/sandbox/shell.ts), so the tool holds no descriptor of the server's.
 */
function awaitGo() {
  const byte = Buffer.alloc(1);
  if (readSync(0, byte, 0, 1, null) === 0) process.exit(0);
  closeSync(0);
  // the lowest free descriptor: 0
  openSync("/dev/null", "r");
}

const toolURL = pathToFileURL(path.join(dir, "tool.mjs")).href;
await confine(JSON.parse(policyArg), toolURL);
routeFetchThroughProxy();
if (waitArg === "--wait") awaitGo();
const request = JSON.parse(await readFile(path.join(dir, "request.json"), "utf8"));
let mod;
try {
  mod = await import(toolURL);
} catch (error) {
  await respond({ phase: "load", error: describeError(error) });
  process.exit(0);
}

if (request.mode === "inspect") {
  await respond({
    phase: "inspect",
    exports: exportKinds(mod),
    description: mod.description,
    schema: mod.schema,
    requires: mod.requires,
    capabilities: mod.capabilities,
    examples: mod.examples,
  });
} else if (typeof mod.run !== "function") {
  await respond({
    phase: "call",
    thrown: { name: "TypeError", message: "the module exports no run function", stack: "" },
  });
} else {
  try {
    const returned = await mod.run(request.args);
    await respond({ phase: "call", returned });
  } catch (error) {
    await respond({ phase: "call", thrown: describeError(error) });
  }
}
// a tool may leave servers or timers behind; the call is over
process.exit(0);
