// npm start: validate config, migrate the database, build if the sources changed, start Next.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { register } from "tsx/esm/api";
import { bin, run } from "./lib.mjs";
import { ensureSystemPackages } from "./system-packages.mjs";

register();
const { parseEnv, EnvError } = await import("../lib/env.ts");
const { migrate, MigrationError } = await import("../lib/boot/migrate.ts");

const dev = process.argv.includes("--dev");
let env;
try {
  env = parseEnv(process.env);
} catch (error) {
  if (error instanceof EnvError) {
    console.error(`[ratchet] refusing to start. ${error.message}`);
    process.exit(1);
  }
  throw error;
}

process.env.NEXT_TELEMETRY_DISABLED = "1";
if (env.RATCHET_SANDBOX !== "off") ensureSystemPackages(["sandbox"]);
// in this process: a second node with the TypeScript loader would cost a few hundred ms per start
try {
  await migrate(env.databaseUrl);
} catch (error) {
  if (!(error instanceof MigrationError)) throw error;
  console.error(`[ratchet] refusing to start: the database migration failed.\n${error.output}`);
  process.exit(1);
}

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

if (!dev && buildIsStale()) {
  console.log("[ratchet] building the app (first start or sources changed)…");
  await run(bin("next"), ["build"]);
}

const args = [dev ? "dev" : "start", "-H", env.HOST, "-p", String(env.PORT)];
const child = (await import("node:child_process")).spawn(bin("next"), args, {
  stdio: "inherit",
  // our own shutdown marks running turns interrupted before exiting; Next's handler would exit first
  env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
