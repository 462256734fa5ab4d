// npm start: build if the sources changed, then start Next. The server's boot checks the configuration
// and brings the database up to date (lib/boot) while Next loads, so a restart pays for one of the two.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { bin, run } from "./lib.mjs";
import { ensureSystemPackages } from "./system-packages.mjs";

const dev = process.argv.includes("--dev");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

function buildIsStale() {
  const buildId = ".next/BUILD_ID";
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = [
    "app",
    "components",
    "lib",
    "proxy.ts",
    "instrumentation.ts",
    "next.config.ts",
    "package.json",
  ];
  return sources.some(
    (s) => existsSync(s) && (statSync(s).isDirectory() ? newestSource(s) : statSync(s).mtimeMs) > built,
  );
}

/**
 * HOST and PORT as Next needs them on its command line, read without the TypeScript loader (which
 * alone costs a few hundred ms): only a loopback host and a plain port; anything else is checked in
 * full first, which says what is wrong before anything binds. The server checks them again.
 */
function quickAddress() {
  const defaults = JSON.parse(readFileSync("lib/env-defaults.json", "utf8"));
  const host = process.env.HOST || defaults.HOST;
  const port = process.env.PORT || String(defaults.PORT);
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) return null;
  if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) return null;
  return { host, port };
}

async function checkedAddress() {
  const { register } = await import("tsx/esm/api");
  register();
  const { parseEnv, EnvError } = await import("../lib/env.ts");
  try {
    const env = parseEnv(process.env);
    return { host: env.HOST, port: String(env.PORT) };
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`[ratchet] refusing to start. ${error.message}`);
    process.exit(1);
  }
}

/**
 * The server's memory settings (scripts/server-memory.json), each only where the user set none: a
 * command printing as fast as it can set the server's peak RSS by what V8's young generation grows
 * to (two 16 MiB semi-spaces by default) and by what glibc's per-thread malloc arenas keep of the
 * flood's buffers after they are freed. `--max-semi-space-size=8` caps the first at 2 × 8 MiB (4
 * and 1 promote so much more that the peak rises again), MALLOC_ARENA_MAX=1 keeps one arena, whose
 * freed memory is reused instead of spread over one heap per thread. A 16 MiB `yes` flood: +82 to
 * +91 MiB → +42 to +57; base64 +55 to +60 → +35 to +37; the RSS after 52 turns 323–328 → 293–300
 * MiB; the 10 MB firehose to the screen as fast within the noise (docs/benchmarks.md, issue 20's
 * memory section). The user's NODE_OPTIONS come after ours: of a flag given twice the last wins.
 * e2e/support/server.ts starts the app the same way.
 */
function memoryEnv(env) {
  const settings = JSON.parse(readFileSync("scripts/server-memory.json", "utf8"));
  const out = {};
  for (const [name, value] of Object.entries(settings.env)) if (!env[name]) out[name] = value;
  out.NODE_OPTIONS = [settings.nodeOptions, env.NODE_OPTIONS].filter(Boolean).join(" ");
  return out;
}

process.env.NEXT_TELEMETRY_DISABLED = "1";
const address = quickAddress() ?? (await checkedAddress());
if (process.env.RATCHET_SANDBOX !== "off") ensureSystemPackages(["sandbox"]);
if (!dev && buildIsStale()) {
  console.log("[ratchet] building the app (first start or sources changed)…");
  await run(bin("next"), ["build"]);
}
const args = [dev ? "dev" : "start", "-H", address.host, "-p", address.port];
const child = spawn(bin("next"), args, {
  stdio: "inherit",
  // our own shutdown marks running turns interrupted before exiting; Next's handler would exit first
  env: { ...process.env, ...memoryEnv(process.env), NEXT_MANUAL_SIG_HANDLE: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
