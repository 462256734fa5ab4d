import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { E2E } from "./constants";

/** scripts/start.mjs's environment settings, read as it reads them (a JSON import needs an attribute under node's ESM loader). */
const SETTINGS = JSON.parse(
  readFileSync(path.join(import.meta.dirname, "../../scripts/server-env.json"), "utf8"),
) as { env: Record<string, string>; nodeOptions: string };

export interface AppServer {
  port: number;
  url: string;
  loginLink: string;
  /** The server process (`next start`, or `node scripts/start.mjs` with `launcher: "npm-start"`). */
  pid: number;
  output(): string;
  /** Resolves when the process has exited, with how it ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL the whole server process group: a crash, with no chance to clean up. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

/**
 * The server's environment settings as scripts/start.mjs gives them (see there: memory, the compile
 * cache), so tests and benches see what users run: each only where the environment has none, the
 * given NODE_OPTIONS after ours.
 */
export function serverEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(SETTINGS.env)) if (!env[name]) out[name] = value;
  out.NODE_OPTIONS = [SETTINGS.nodeOptions, env.NODE_OPTIONS].filter(Boolean).join(" ");
  return out;
}

/** Starts a private app server (built app, migrated private database) and waits for its login link. */
export async function startServer(opts: {
  port: number;
  dataDir: string;
  env?: Record<string, string>;
  /**
   * `next` (default) runs `next start` directly; `npm-start` runs `node scripts/start.mjs`, the way
   * `npm start` does (config check, migration, then `next start` as its child), for tests of the
   * production process tree (signals, shutdown).
   */
  launcher?: "next" | "npm-start";
  /** The address to bind (default 127.0.0.1); `::1` serves on IPv6 loopback. */
  host?: string;
  /**
   * The Node binary that runs the server (default: the one running this): the migration, the
   * launcher, and `next`, whose `#!/usr/bin/env node` finds it first on PATH. better-sqlite3's
   * addon must be built for it (scripts/lts-node.mjs's withAddon).
   */
  node?: string;
}): Promise<AppServer> {
  const host = opts.host ?? "127.0.0.1";
  const node = opts.node ?? process.execPath;
  const given = {
    ...process.env,
    ...E2E.serverEnv({ port: opts.port, dataDir: opts.dataDir }),
    HOST: host,
    ...opts.env,
    ...(opts.node ? { PATH: `${path.dirname(opts.node)}${path.delimiter}${process.env.PATH ?? ""}` } : {}),
  };
  // scripts/start.mjs adds them itself
  const env = opts.launcher === "npm-start" ? given : { ...given, ...serverEnv(given) };
  const viaScript = opts.launcher === "npm-start";
  if (!viaScript) execFileSync(node, ["scripts/migrate.mjs"], { env, stdio: "pipe" });
  const [command, args]: [string, string[]] = viaScript
    ? [node, ["scripts/start.mjs"]]
    : ["node_modules/.bin/next", ["start", "-H", host, "-p", String(opts.port)]];
  const child = spawn(command, args, {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const loginLink = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /One-time login link: (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`server exited (${code}) before it was ready:\n${output}`)),
    );
  });
  const pgid = child.pid ?? 0;
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    port: opts.port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${opts.port}`,
    loginLink,
    pid: pgid,
    output: () => output,
    exited: () => ended,
    async crash() {
      process.kill(-pgid, "SIGKILL");
      await exited(child);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-pgid, "SIGTERM");
      await exited(child);
    },
  };
}
