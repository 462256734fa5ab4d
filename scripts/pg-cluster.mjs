// A private, throwaway PostgreSQL cluster for tests and checks: initdb + pg_ctl from Debian's packages
// in a temp folder, trust auth, listening only on 127.0.0.1 on a free port, removed on exit.
//   node scripts/pg-cluster.mjs                 start one and print its URL until ctrl-c
//   node scripts/pg-cluster.mjs -- cmd args…    run a command with RATCHET_TEST_PG_URL set
import { execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const DEBIAN_ROOT = "/usr/lib/postgresql";
const SERVER_USER = "postgres";

/** The bin folder of the newest PostgreSQL installed from Debian's packages, or null. */
export function findPgBin() {
  if (!existsSync(DEBIAN_ROOT)) return null;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => existsSync(path.join(DEBIAN_ROOT, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(DEBIAN_ROOT, versions[0], "bin") : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: as root, the server runs as Debian's `postgres` system user. */
function serverIdentity() {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync("id", ["-u", SERVER_USER], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", SERVER_USER], { encoding: "utf8" }));
    return { uid, gid };
  } catch {
    throw new Error(
      `running as root, PostgreSQL needs an unprivileged user; the "${SERVER_USER}" user (created by Debian's postgresql package) is missing`,
    );
  }
}

function runAs(identity, bin, args, cwd) {
  const [command, argv] = identity
    ? [
        "setpriv",
        [`--reuid=${identity.uid}`, `--regid=${identity.gid}`, "--clear-groups", "--", bin, ...args],
      ]
    : [bin, args];
  return execFileSync(command, argv, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

const running = new Set();

function stopAll() {
  for (const stop of [...running]) stop();
}

let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", stopAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      stopAll();
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}

/**
 * Starts a cluster and creates `database` in it. Returns its URL, the URL of the `postgres`
 * maintenance database, and stop() (also run on exit, ctrl-c and SIGTERM).
 */
export async function startPgCluster({ database = "ratchet" } = {}) {
  const bin = findPgBin();
  if (!bin) throw new Error(`PostgreSQL is not installed (no ${DEBIAN_ROOT}/*/bin/initdb)`);
  const identity = serverIdentity();
  const dir = mkdtempSync(path.join(os.tmpdir(), "ratchet-pg-"));
  if (identity) chownSync(dir, identity.uid, identity.gid);
  const data = path.join(dir, "data");
  let started = false;
  const stop = () => {
    running.delete(stop);
    if (started) {
      try {
        runAs(identity, path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], dir);
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  };
  running.add(stop);
  installExitHandlers();
  try {
    runAs(
      identity,
      path.join(bin, "initdb"),
      ["-D", data, "-A", "trust", "-U", SERVER_USER, "-E", "UTF8", "--locale=C", "--no-sync"],
      dir,
    );
    const port = await freePort();
    const options = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    const log = path.join(dir, "server.log");
    runAs(identity, path.join(bin, "pg_ctl"), ["-D", data, "-l", log, "-o", options, "-w", "start"], dir);
    started = true;
    const base = `postgresql://${SERVER_USER}@127.0.0.1:${port}`;
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
    return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const separator = process.argv.indexOf("--");
  const command = separator === -1 ? [] : process.argv.slice(separator + 1);
  const cluster = await startPgCluster();
  if (command.length === 0) {
    console.log(`DATABASE_URL=${cluster.url}\n(ctrl-c stops the cluster and deletes its files)`);
    setInterval(() => {}, 1 << 30);
  } else {
    const child = spawn(command[0], command.slice(1), {
      stdio: "inherit",
      env: { ...process.env, RATCHET_TEST_PG_URL: cluster.url },
    });
    child.on("exit", (code, signal) => {
      cluster.stop();
      process.exit(code ?? (signal ? 1 : 0));
    });
  }
}
