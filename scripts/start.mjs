// npm start: build if the sources changed, then start Next. The server's boot checks the configuration
// and brings the database up to date (lib/boot) while Next loads, so a restart pays for one of the two.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { bin, run, serverEnv } from "./lib.mjs";
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
  env: { ...process.env, ...serverEnv(process.env), NEXT_MANUAL_SIG_HANDLE: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
