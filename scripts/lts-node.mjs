// A second Node for the tests: the current LTS, as the npm registry serves it (the package
// node-<platform>-<arch> holds a Node build and its C headers), and better-sqlite3 compiled for it
// (the one dependency whose addon is tied to Node's ABI). docs/development.md says why and what runs.
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The current LTS (`process.release.lts` names it; 26.x has no LTS name yet). Pinned, so a run is
 * repeatable and its download comes from npm's cache after the first.
 */
export const LTS_NODE = "24.22.3";

/**
 * The unit tests of what depends on the Node runtime, run on the second Node: the database through
 * the native addon and the agent's turn through ai@7's streams and fetch (lib/db, lib/events,
 * lib/agent, lib/auth, lib/team, lib/boot), the model client (lib/model), and child processes and
 * signals (lib/sandbox), and the tool host's loader hooks, which run in the tool's thread where
 * Node has module.registerHooks and in their own thread before (lib/tools/host-loader.test.ts),
 * and the server's compile cache, which Node reads from 22.1 (scripts/server-env.test.ts).
 * The rest is logic that reads the same on any Node.
 */
export const LTS_UNIT_TESTS = [
  "lib/db",
  "lib/events",
  "lib/agent",
  "lib/auth",
  "lib/team",
  "lib/boot",
  "lib/model",
  "lib/sandbox",
  "lib/tools/host-loader.test.ts",
  "lib/tools/host-prestart.test.ts",
  "scripts/server-env.test.ts",
];

const ADDON = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";

/**
 * Kept between runs and outside the checkout (CI clones afresh each time): a Node is a 50 MB
 * download and the addon takes one to three minutes to compile on this machine.
 */
const CACHE = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "ratchet", "node");

/** Runs a command with its output kept, and shown only when it fails (a compile is thousands of lines). */
function quiet(command, args, options = {}) {
  try {
    execFileSync(command, args, {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: "pipe",
      ...options,
    });
  } catch (error) {
    const output = `${error.stdout ?? ""}${error.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(`${command} ${args.join(" ")} failed:\n${output}`);
  }
}

/** The directory of Node `version` (bin/node, include/node), fetched once into the cache. */
export function fetchNode(version) {
  const dir = path.join(CACHE, version);
  if (existsSync(path.join(dir, "bin", "node"))) return dir;
  const name = `node-${process.platform}-${process.arch}`;
  const download = mkdtempSync(path.join(os.tmpdir(), "ratchet-node-"));
  const staging = `${dir}.partial`;
  try {
    quiet("npm", ["pack", `${name}@${version}`, "--pack-destination", download]);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    quiet("tar", [
      "xzf",
      path.join(download, `${name}-${version}.tgz`),
      "--strip-components=1",
      "-C",
      staging,
    ]);
    // renamed into place whole, so an interrupted fetch is never taken for a Node
    renameSync(staging, dir);
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
  return dir;
}

/** better-sqlite3's addon for the Node in `nodeDir`, compiled once per addon version and Node ABI. */
export function buildAddon(nodeDir) {
  const { version } = JSON.parse(readFileSync("node_modules/better-sqlite3/package.json", "utf8"));
  const node = path.join(nodeDir, "bin", "node");
  const abi = execFileSync(node, ["-p", "process.versions.modules"], { encoding: "utf8" }).trim();
  const addon = path.join(CACHE, `better-sqlite3-${version}-abi${abi}.node`);
  if (existsSync(addon)) return addon;
  const work = mkdtempSync(path.join(os.tmpdir(), "ratchet-addon-"));
  try {
    const source = path.resolve("node_modules/better-sqlite3");
    cpSync(source, work, { recursive: true, filter: (from) => from !== path.join(source, "build") });
    // node-gyp builds against the headers that came with that Node: nothing is downloaded
    quiet("npm", ["run", "build-release"], {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${path.join(nodeDir, "bin")}:${process.env.PATH}`,
        npm_config_nodedir: nodeDir,
      },
    });
    copyFileSync(path.join(work, "build", "Release", "better_sqlite3.node"), `${addon}.partial`);
    renameSync(`${addon}.partial`, addon);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return addon;
}

/**
 * Runs `fn` with `addon` in place of the installed one, and puts the installed one back after,
 * whatever happens. A new file each way (never written through): node-gyp hard-links its output.
 */
export async function withAddon(addon, fn) {
  const saved = `${ADDON}.installed`;
  // a run that was killed in the middle left the installed addon aside: it goes back first
  if (existsSync(saved)) renameSync(saved, ADDON);
  renameSync(ADDON, saved);
  try {
    copyFileSync(addon, ADDON);
    return await fn();
  } finally {
    rmSync(ADDON, { force: true });
    renameSync(saved, ADDON);
  }
}
