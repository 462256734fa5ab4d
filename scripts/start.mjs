// npm start: build if the sources changed, then start Next while this script validates the config
// and migrates the database; the server's boot waits for this script's "ready" (lib/boot/start-gate.ts).
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
 * alone costs a few hundred ms): only a loopback host and a plain port; anything else waits for the
 * full check, which says what is wrong. The server validates them again (lib/env.ts, -H included).
 */
function quickAddress() {
  const defaults = JSON.parse(readFileSync("lib/env-defaults.json", "utf8"));
  const host = process.env.HOST || defaults.HOST;
  const port = process.env.PORT || String(defaults.PORT);
  // never bind beyond this machine before the full check has said it may
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) return null;
  if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) return null;
  return { host, port };
}

function startNext(address, gated) {
  const args = [dev ? "dev" : "start", "-H", address.host, "-p", address.port];
  const child = spawn(bin("next"), args, {
    stdio: gated ? ["inherit", "inherit", "inherit", "ipc"] : "inherit",
    // our own shutdown marks running turns interrupted before exiting; Next's handler would exit first
    env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: "1", ...(gated ? { RATCHET_START_GATE: "ipc" } : {}) },
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

process.env.NEXT_TELEMETRY_DISABLED = "1";
if (!dev && buildIsStale()) {
  console.log("[ratchet] building the app (first start or sources changed)…");
  await run(bin("next"), ["build"]);
}

const early = quickAddress();
const child = early && !dev ? startNext(early, true) : null;
/** A problem found while Next loads: its server never got to touch anything. */
function refuse(message) {
  console.error(message);
  child?.kill("SIGKILL");
  process.exit(1);
}

const { register } = await import("tsx/esm/api");
register();
const { parseEnv, EnvError } = await import("../lib/env.ts");
const { migrate, MigrationError } = await import("../lib/boot/migrate.ts");
let env;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (error instanceof EnvError) refuse(`[ratchet] refusing to start. ${error.message}`);
  throw error;
}
if (env.RATCHET_SANDBOX !== "off") ensureSystemPackages(["sandbox"]);
// in this process: a second node with the TypeScript loader would cost a few hundred ms per start
try {
  await migrate(env.databaseUrl);
} catch (error) {
  if (!(error instanceof MigrationError)) throw error;
  refuse(`[ratchet] refusing to start: the database migration failed.\n${error.output}`);
}
if (child) child.send("ratchet:ready");
else startNext({ host: env.HOST, port: String(env.PORT) }, false);
