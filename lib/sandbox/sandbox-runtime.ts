import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  SandboxManager as BundledSandboxManager,
  type SandboxRuntimeConfig,
} from "@anthropic-ai/sandbox-runtime";
import {
  ALWAYS_DENIED_HOSTS,
  DEFAULT_NETWORK_POLICY,
  deniedReads,
  deniedWrites,
  type NetworkPolicy,
  type ProtectedLocations,
  protectedInWritable,
  SANDBOX_NO_PROXY,
} from "./policy";

export type SandboxMode = "on" | "off" | "unavailable";

export interface SandboxStatus {
  mode: SandboxMode;
  /** Why the sandbox cannot run, or why it is off. */
  reason: string | null;
  network: NetworkPolicy;
}

/** What one wrapped process may do beyond reading. */
export interface SandboxSpec {
  /** Directories the process may write (the workspace, its private temp dir). */
  writable: string[];
  /** Paths the process reads besides system folders, toolchains and what it may write. */
  readable?: string[];
  /** `policy`: the Settings policy through srt's proxy; `none`: no network namespace exit at all. */
  network: "policy" | "none";
}

interface RuntimeState {
  status: SandboxStatus;
  locations: ProtectedLocations | null;
  ready: Promise<SandboxStatus> | null;
  /** The socat srt runs: a wrapper that gives it a parent-death signal, when the machine allows. */
  socatPath: string | undefined;
}

const store = globalThis as unknown as {
  __ratchetSandbox?: RuntimeState;
  __ratchetSandboxManager?: typeof BundledSandboxManager;
};

/**
 * The one sandbox runtime of this process. Next bundles the runtime into several server chunks
 * (instrumentation, each route), and every copy has its own config, filtering proxy and violation
 * log: a copy boot never initialized wraps commands with no network restriction at all. So every
 * copy of this module uses the first runtime loaded, the one initSandbox initializes.
 */
function srt(): typeof BundledSandboxManager {
  store.__ratchetSandboxManager ??= BundledSandboxManager;
  return store.__ratchetSandboxManager;
}

function state(): RuntimeState {
  store.__ratchetSandbox ??= {
    status: { mode: "unavailable", reason: "not initialized", network: DEFAULT_NETWORK_POLICY },
    locations: null,
    ready: null,
    socatPath: undefined,
  };
  return store.__ratchetSandbox;
}

/** Shared package caches, so `npm install` works without a writable home directory. */
export function sandboxCacheDir(): string {
  return path.join(os.tmpdir(), "ratchet-sandbox-cache");
}

function allowedDomains(policy: NetworkPolicy): string[] {
  return policy.mode === "allowlist" ? policy.domains : [];
}

const SETPRIV = "/usr/bin/setpriv";

function executable(file: string): boolean {
  try {
    accessSync(/*turbopackIgnore: true*/ file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(/*turbopackIgnore: true*/ dir, binary);
    if (dir && executable(file)) return file;
  }
  return null;
}

/**
 * srt starts its host-side proxy bridge (`socat UNIX-LISTEN:… TCP:localhost:<proxy>`) as a plain
 * child of the server: a server killed with SIGKILL (or by the OOM killer) left it running forever,
 * listening on its socket. srt runs whatever `socatPath` names, for the bridge and for the
 * listeners inside the sandbox, so a two-line wrapper gives every socat a parent-death signal. It
 * lives in a fresh 0700 folder of our own: nobody else can plant a file there, and the sandbox
 * can read it but not write it. Without setpriv or socat, srt's own lookup and checks apply.
 */
function socatWithParentDeathSignal(): string | undefined {
  const socat = onPath("socat");
  if (!socat || !executable(SETPRIV)) return undefined;
  try {
    const dir = mkdtempSync(path.join(/*turbopackIgnore: true*/ os.tmpdir(), "ratchet-sandbox-bin-"));
    // gone with the process (a SIGKILLed server leaves one small folder behind)
    process.once("exit", () => rmSync(/*turbopackIgnore: true*/ dir, { recursive: true, force: true }));
    const file = path.join(dir, "socat");
    writeFileSync(
      /*turbopackIgnore: true*/ file,
      `#!/bin/sh\nexec ${SETPRIV} --pdeathsig KILL -- ${quote(socat)} "$@"\n`,
      {
        mode: 0o755,
      },
    );
    return file;
  } catch {
    return undefined;
  }
}

function runtimeConfig(loc: ProtectedLocations, policy: NetworkPolicy): SandboxRuntimeConfig {
  const socatPath = state().socatPath;
  return {
    ...(socatPath ? { socatPath } : {}),
    network: {
      allowedDomains: allowedDomains(policy),
      deniedDomains: ALWAYS_DENIED_HOSTS,
      // open mode answers through the ask callback; allowlist and none never reach it
      strictAllowlist: policy.mode !== "open",
    },
    filesystem: { denyRead: deniedReads(loc), allowWrite: [], denyWrite: deniedWrites(loc) },
  };
}

export interface InitOptions {
  locations: ProtectedLocations;
  network: NetworkPolicy;
  /** RATCHET_SANDBOX=off: run unsandboxed, with a permanent warning. */
  disabled: boolean;
}

/**
 * Starts srt's filtering proxy once per process. Fails closed: when bubblewrap, socat or
 * ripgrep are missing the status says so and commands are refused, unless disabled on purpose.
 */
export function initSandbox(opts: InitOptions): Promise<SandboxStatus> {
  const s = state();
  s.ready ??= (async () => {
    s.locations = opts.locations;
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
      if (!srt().isSupportedPlatform()) throw new Error(`unsupported platform ${process.platform}`);
      s.socatPath ??= socatWithParentDeathSignal();
      const deps = await srt().checkDependenciesAsync();
      if (deps.errors.length) throw new Error(deps.errors.join("; "));
      await srt().initialize(runtimeConfig(opts.locations, opts.network), async () => {
        return state().status.network.mode === "open";
      });
      mkdirSync(sandboxCacheDir(), { recursive: true });
      s.status = { mode: "on", reason: null, network: opts.network };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      s.status = {
        mode: "unavailable",
        reason: `the sandbox cannot start (${detail}). Install bubblewrap, socat and ripgrep (Debian/Ubuntu: apt-get install bubblewrap socat ripgrep), or set RATCHET_SANDBOX=off to run commands unsandboxed`,
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

/** Applies a new network policy to every later command (and to running ones, through the proxy). */
export function setNetworkPolicy(policy: NetworkPolicy): void {
  const s = state();
  s.status = { ...s.status, network: policy };
  if (s.status.mode === "on" && s.locations) srt().updateConfig(runtimeConfig(s.locations, policy));
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A private network namespace with only loopback: nothing leaves, not even through the proxy. */
function withoutNetwork(command: string): string {
  return `exec bwrap --unshare-net --dev-bind / / --die-with-parent -- /bin/bash -c ${quote(command)}`;
}

/**
 * srt starts its in-sandbox proxy bridge (socat on :3128) in the background just before the command,
 * so a first request can race it and be refused. Wait for the bridge, without forking, up to ~1 s.
 */
const AWAIT_PROXY_BRIDGE =
  "for __r in {1..100}; do { exec 9<>/dev/tcp/127.0.0.1/3128; } 2>/dev/null && { exec 9>&-; break; }; sleep 0.01; done; unset __r";

/** The shell text that runs `command` inside the sandbox. */
export async function wrapCommand(command: string, spec: SandboxSpec, commandId: string): Promise<string> {
  const routed = `export NO_PROXY=${SANDBOX_NO_PROXY} no_proxy=${SANDBOX_NO_PROXY}\n${spec.network === "policy" ? `${AWAIT_PROXY_BRIDGE}\n` : ""}${command}`;
  const inner = spec.network === "none" ? withoutNetwork(routed) : routed;
  const s = state();
  const locations = s.locations;
  if (!locations) throw new Error("sandbox not initialized");
  return srt().wrapWithSandbox(
    inner,
    "/bin/bash",
    {
      filesystem: {
        denyRead: deniedReads(locations),
        allowWrite: [...spec.writable, sandboxCacheDir()],
        denyWrite: [...deniedWrites(locations), ...protectedInWritable(spec.writable)],
      },
    },
    undefined,
    { commandId },
  );
}

/** Network requests the proxy refused for one command, for the transcript and telemetry. */
export function deniedRequests(commandId: string): string[] {
  if (state().status.mode !== "on") return [];
  return srt()
    .getSandboxViolationStore()
    .getViolationsForCommand(commandId)
    .map((v) => v.line);
}

export function afterCommand(): void {
  if (state().status.mode === "on") srt().cleanupAfterCommand();
}

/** Stops the proxy and its bridges; part of our own graceful shutdown. */
export async function shutdownSandbox(): Promise<void> {
  if (state().status.mode === "on") await srt().reset();
}
