import { execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { processState } from "@/lib/process-state";
import { buildChildEnv } from "./child-env";
import { discoverLayout, type HostLayout, isInside } from "./filesystem-view";
import {
  DEFAULT_NETWORK_POLICY,
  DEFAULT_SANDBOX_SETTINGS,
  type NetworkPolicy,
  type ProtectedLocations,
  type SandboxSettings,
} from "./policy";
import type { ReadyRuntime } from "./prepare";
import { closePrestarted } from "./prestart";

export type SandboxMode = "on" | "off" | "unavailable";

export interface SandboxStatus {
  mode: SandboxMode;
  /** Why the sandbox cannot run, or why it is off. */
  reason: string | null;
  network: NetworkPolicy;
}

interface RuntimeState {
  status: SandboxStatus;
  locations: ProtectedLocations | null;
  settings: SandboxSettings;
  layout: HostLayout | null;
  /** 0700 folder of ours: proxy sockets, the empty mask sources. */
  runDir: string | null;
  socat: string | null;
  gitIdentity: { name: string; email: string } | null;
  ready: Promise<SandboxStatus> | null;
}

/** One runtime per process: the one initSandbox checks at boot is the one every command uses. */
const state = processState<RuntimeState>("sandbox.runtime", () => ({
  status: { mode: "unavailable", reason: "not initialized", network: DEFAULT_NETWORK_POLICY },
  locations: null,
  settings: DEFAULT_SANDBOX_SETTINGS,
  layout: null,
  runDir: null,
  socat: null,
  gitIdentity: null,
  ready: null,
}));

function onPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(/*turbopackIgnore: true*/ dir, binary);
    try {
      if (dir) {
        accessSync(/*turbopackIgnore: true*/ file, constants.X_OK);
        return file;
      }
    } catch {}
  }
  return null;
}

function protectedDirs(loc: ProtectedLocations): string[] {
  return [
    loc.dataDir,
    loc.appDir,
    loc.toolsDir,
    loc.skillsDir,
    ...(loc.databaseDir ? [loc.databaseDir] : []),
  ];
}

/** Runs a trivial command in namespaces like the real ones: a kernel may refuse user namespaces. */
function probe(bwrap: string, layout: HostLayout): Promise<string | null> {
  const system = layout.system.flatMap((m) =>
    m.kind === "symlink" ? ["--symlink", m.target, m.path] : ["--ro-bind", m.path, m.path],
  );
  const args = ["--unshare-all", "--die-with-parent", ...system, "--proc", "/proc", "--dev", "/dev"];
  return new Promise((resolve) => {
    const child = spawn(bwrap, [...args, "--", "/bin/sh", "-c", "exit 0"], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 10_000,
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", (error) => resolve(error.message));
    child.once("close", (code) => resolve(code === 0 ? null : stderr.trim() || `bwrap exited with ${code}`));
  });
}

function gitConfigValue(key: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("git", ["config", "--global", "--get", key], { cwd: "/", timeout: 5000 }, (error, stdout) =>
      resolve(error ? null : stdout.trim() || null),
    );
  });
}

export interface InitOptions {
  locations: ProtectedLocations;
  network: NetworkPolicy;
  settings?: SandboxSettings;
  /** RATCHET_SANDBOX=off: run unsandboxed, with a permanent warning. */
  disabled: boolean;
}

/**
 * Checks the sandbox can run here, once per process. Fails closed: without bubblewrap or socat,
 * or on a kernel that refuses its namespaces, commands are refused unless disabled on purpose.
 */
export function initSandbox(opts: InitOptions): Promise<SandboxStatus> {
  const s = state();
  s.ready ??= (async () => {
    s.locations = opts.locations;
    s.settings = opts.settings ?? DEFAULT_SANDBOX_SETTINGS;
    if (opts.disabled) {
      s.status = {
        mode: "off",
        reason:
          "RATCHET_SANDBOX=off: commands and agent-written tools run with your full user rights, network and files",
        network: opts.network,
      };
      return s.status;
    }
    try {
      if (process.platform !== "linux") throw new Error(`unsupported platform ${process.platform}`);
      const bwrap = onPath("bwrap");
      const socat = onPath("socat");
      const missing = [bwrap ? null : "bubblewrap (bwrap)", socat ? null : "socat"].filter(Boolean);
      if (missing.length) throw new Error(`${missing.join(" and ")} not found on PATH`);
      const layout = discoverLayout({
        pathVariable: process.env.PATH ?? "",
        home: opts.locations.home ?? os.homedir(),
        nodeBinary: process.execPath,
        protectedDirs: protectedDirs(opts.locations),
      });
      const socatInside = realpathSync(/*turbopackIgnore: true*/ socat ?? "");
      const visible = [...layout.system.map((m) => m.path), ...layout.toolchains];
      if (!visible.some((dir) => isInside(socatInside, dir)))
        throw new Error(`socat (${socatInside}) is outside the folders commands can see`);
      const problem = await probe(bwrap ?? "bwrap", layout);
      if (problem) throw new Error(`bubblewrap cannot create its namespaces here: ${problem}`);
      const runDir = mkdtempSync(path.join(/*turbopackIgnore: true*/ os.tmpdir(), "ratchet-sandbox-"));
      mkdirSync(path.join(runDir, "empty-dir"), { mode: 0o555 });
      writeFileSync(path.join(runDir, "empty-file"), "", { mode: 0o444 });
      // gone with the process (a SIGKILLed server leaves one small folder behind)
      process.once("exit", () => rmSync(/*turbopackIgnore: true*/ runDir, { recursive: true, force: true }));
      const [name, email] = await Promise.all([gitConfigValue("user.name"), gitConfigValue("user.email")]);
      s.gitIdentity = name && email ? { name, email } : null;
      s.layout = layout;
      s.runDir = runDir;
      s.socat = socatInside;
      s.status = { mode: "on", reason: null, network: opts.network };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      s.status = {
        mode: "unavailable",
        reason: `the sandbox cannot start (${detail}). Install bubblewrap and socat (Debian/Ubuntu: apt-get install bubblewrap socat), or set RATCHET_SANDBOX=off to run commands unsandboxed`,
        network: opts.network,
      };
    }
    return s.status;
  })();
  return s.ready;
}

export function sandboxStatus(): SandboxStatus {
  return state().status;
}

/** Applies a new network policy to later commands and to every request of running ones. */
export function setNetworkPolicy(policy: NetworkPolicy): void {
  const s = state();
  s.status = { ...s.status, network: policy };
}

/** Applies new admin additions (read paths, variables, private ranges) to later commands. */
export function setSandboxSettings(settings: SandboxSettings): void {
  state().settings = settings;
}

export function sandboxSettings(): SandboxSettings {
  return state().settings;
}

/** The data dir the sandbox was started with (its per-workspace state lives there); null before. */
export function sandboxDataDir(): string | null {
  return state().locations?.dataDir ?? null;
}

/** What a command's preparation needs of the runtime; null unless the sandbox is on. */
export function readyRuntime(): ReadyRuntime | null {
  const s = state();
  const { layout, locations, runDir, socat } = s;
  if (s.status.mode !== "on" || !layout || !locations || !runDir || !socat) return null;
  return {
    layout,
    locations,
    runDir,
    socat,
    gitIdentity: s.gitIdentity,
    settings: () => state().settings,
    network: () => state().status.network,
  };
}

/** The environment of an unsandboxed command (RATCHET_SANDBOX=off): the same allowlist. */
export function unsandboxedEnv(extra: Record<string, string>, marker: string): Record<string, string> {
  return buildChildEnv({ base: process.env, passNames: state().settings.envNames, fixed: {}, extra, marker });
}

/** Proxies live and die with their commands; what is left are the sandboxes started ahead. */
export async function shutdownSandbox(): Promise<void> {
  await closePrestarted();
}
