// Runs one agent-written tool module inside the sandbox: the server never imports tool code.
// usage: node tool-host.mjs <dir>; reads <dir>/request.json and <dir>/tool.mjs, writes <dir>/response.json.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.argv[2];
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

function exportKinds(mod) {
  return Object.fromEntries(Object.keys(mod).map((key) => [key, typeof mod[key]]));
}

const request = JSON.parse(await readFile(path.join(dir, "request.json"), "utf8"));
routeFetchThroughProxy();
let mod;
try {
  mod = await import(pathToFileURL(path.join(dir, "tool.mjs")).href);
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
