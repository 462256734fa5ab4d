import { createHash, randomUUID } from "node:crypto";
import { closeSync, fstatSync, openSync, statSync, unlinkSync } from "node:fs";
import { lstat, mkdir, realpath, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildChildEnv } from "./child-env";
import { bwrapArguments, type HostLayout, isInside, type TaskMount } from "./filesystem-view";
import { type CommandProxy, openCommandProxy } from "./net-proxy";
import {
  type NetworkPolicy,
  type ProtectedLocations,
  SANDBOX_NO_PROXY,
  type SandboxSettings,
} from "./policy";
import { sharedObjectsOf } from "./shared-objects";
import { setprivPath } from "./shell";
import { openVerified } from "./verified";
import {
  enforceWorkspace,
  type GuardSnapshot,
  openReadOnlyMounts,
  snapshotWorkspace,
} from "./workspace-guard";

/** What one sandboxed process may do: everything not named here does not exist for it. */
export interface SandboxSpec {
  /** Folders it may write (the workspace, its private temp dir); they are readable too. */
  writable: string[];
  /** Folders or files it may read besides the system folders and toolchains. */
  readable?: string[];
  /** `policy`: the Settings policy through the proxy; `none`: no way out of its network namespace. */
  network: "policy" | "none";
  /**
   * The session workspace, whose home folder (caches, git identity) is kept between its commands,
   * outside the workspace. Without it the process gets an empty home that ends with it.
   */
  workspace?: string;
}

/** The running sandbox, as one command's preparation needs it. */
export interface ReadyRuntime {
  layout: HostLayout;
  locations: ProtectedLocations;
  /** 0700 folder of ours: proxy sockets, the empty sources of masks. */
  runDir: string;
  socat: string;
  gitIdentity: { name: string; email: string } | null;
  settings: () => SandboxSettings;
  network: () => NetworkPolicy;
}

/** A command ready to spawn: its script, the descriptors it needs as fds 4…, and what to do after. */
export interface PreparedCommand {
  /** The shell text the gate sources. */
  script: string;
  /** Environment of the spawned process: the sandbox's own, nothing else of the server's. */
  env: Record<string, string>;
  /** Descriptors to pass as fds 4, 5, …; the parent's copies are closed by `release`. */
  fds: number[];
  /** Closes what the spawn no longer needs (call right after spawning). */
  release(): Promise<void>;
  /** After the process ended: the proxy's refusals and what the workspace guard undid. */
  finish(): Promise<{ denials: string[]; guarded: string[] }>;
  /** Prepared with `prestart`: where the command goes once it is known (see `prestartedShell`). */
  prestart: PrestartSlot | null;
}

/**
 * A sandbox started before its command: the inner shell waits on stdin, then reads the command
 * from `fd`, an unlinked file of ours it holds as descriptor `inside`. A command that starts early
 * (`PrepareInput.early`) was given when the sandbox was made and waits for the go itself: no file.
 */
export interface PrestartSlot {
  fd: number | null;
  inside: number | null;
  /**
   * Whether the sandbox still is what preparing it now would make: the same folders (by identity,
   * not by name), the same protected names in them, the same borrowed object store. Only then may
   * a command run in it; otherwise it is discarded.
   */
  stillCurrent(): Promise<boolean>;
  /** For a sandbox that never ran a command: closes what it holds and leaves the workspace alone. */
  discard(): Promise<void>;
}

export interface PrepareInput {
  command: string;
  cwd: string;
  spec: SandboxSpec;
  /** Variables the caller adds (a tool's granted variables, its temp folder); they win. */
  env: Record<string, string>;
  /** Tags every process of the command so orphans can be found after a crash. */
  marker: string;
  /** Descriptors the caller passes to the command itself (a lifeline); every other one is closed. */
  keepFds?: number[];
  /** Start the sandbox now; `command` is ignored and comes later through the slot. */
  prestart?: boolean;
  /**
   * With `prestart`: `command` runs as the sandbox starts, with the go byte still to come on its
   * stdin, and reads that byte itself before it does anything of the caller's (the tool host
   * loads its loader hooks first). The command is then part of what the sandbox was built from.
   */
  early?: boolean;
}

/** First passed descriptor: 0–2 are stdio, 3 the gate's script. */
const FIRST_FD = 4;
/** /tmp inside is memory; TMPDIR points at the private folder on disk. */
const TMP_BYTES = 1024 * 1024 * 1024;

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The folder outside every workspace that holds one workspace's home (caches) and quarantine. */
export function workspaceStateDir(dataDir: string, workspace: string): string {
  const key = createHash("sha256").update(workspace).digest("hex").slice(0, 16);
  return path.join(dataDir, "sandbox", key);
}

/** The mounts, descriptors and clean-ups of one command, collected as its view is built. */
class TaskView {
  readonly mounts: TaskMount[] = [];
  readonly fds: number[] = [];
  readonly guards: { snapshot: GuardSnapshot; quarantine: string }[] = [];
  readonly shown: string[] = [];
  /** What each writable folder was when it was opened: a prestarted sandbox is checked against it. */
  readonly identities: { path: string; dev: number; ino: number }[] = [];
  sharedObjects: string | null = null;
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(private readonly dataDir: string) {}

  private pass(fd: number, close: () => Promise<void>): number {
    this.closers.push(close);
    this.fds.push(fd);
    return FIRST_FD + this.fds.length - 1;
  }

  /** Writable, by verified descriptor; its protected names read-only and guarded. */
  async writable(dir: string): Promise<void> {
    const opened = await openVerified(dir, { exact: true });
    const { dev, ino } = fstatSync(opened.fd);
    this.identities.push({ path: opened.real, dev, ino });
    this.mounts.push({ kind: "rw-fd", fd: this.pass(opened.fd, opened.close), path: opened.real });
    this.shown.push(opened.real);
    const snapshot = await snapshotWorkspace(opened.real);
    for (const ro of await openReadOnlyMounts(snapshot))
      this.mounts.push({ kind: "ro-fd", fd: this.pass(ro.fd, ro.close), path: ro.path });
    this.guards.push({
      snapshot,
      quarantine: path.join(workspaceStateDir(this.dataDir, opened.real), "quarantine"),
    });
  }

  async readable(target: string, exact = false): Promise<void> {
    const opened = await openVerified(target, { exact });
    this.mounts.push({ kind: "ro-fd", fd: this.pass(opened.fd, opened.close), path: opened.real });
    this.shown.push(opened.real);
  }

  /** Paths an admin set, or our own toolchain folders: not reachable by agent code, bound by path. */
  readonlyPath(dir: string): void {
    this.mounts.push({ kind: "ro", path: dir });
    this.shown.push(dir);
  }

  async release(): Promise<void> {
    for (const close of this.closers.splice(0)) await close().catch(() => {});
  }
}

async function ensureHome(stateDir: string, identity: ReadyRuntime["gitIdentity"]): Promise<string> {
  const home = path.join(stateDir, "home");
  await mkdir(home, { recursive: true, mode: 0o700 });
  const gitconfig = path.join(home, ".gitconfig");
  // the user's own identity, so the agent's commits are attributed as theirs would be
  if (identity && !(await stat(gitconfig).catch(() => null)))
    await writeFile(gitconfig, `[user]\n\tname = ${identity.name}\n\temail = ${identity.email}\n`);
  return home;
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

/** A protected folder that would show through a mounted one is covered with an empty one. */
function masks(shown: string[], loc: ProtectedLocations): TaskMount[] {
  return protectedDirs(loc)
    .filter((dir) => shown.some((m) => isInside(dir, m) && dir !== m) && isDirectory(dir))
    .map((dir) => ({ kind: "mask-dir", path: dir }));
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(/*turbopackIgnore: true*/ dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The bridge out: the proxy listens on a Unix socket bound into the sandbox; a socat inside turns
 * it into 127.0.0.1:3128 for ordinary HTTP clients. The command starts once the listener answers
 * (up to ~1 s), so its first request cannot race it. Between tries the shell waits 1 ms on a
 * fresh pty master nobody writes to (`read -t`: no fork, no exec), where `sleep` would cost a
 * process and its 10 ms were most of a networked command's start; `sleep` remains the fallback.
 */
function bridge(socat: string): string {
  // socat dies with the shell that starts it (the command, once that execs): the namespace's
  // init waits for every process in it, so a bridge left behind would keep an orphaned sandbox
  // alive, as when the server dies while a sandbox starts and bwrap's parent-death signal is
  // set too late to fire
  const setpriv = setprivPath();
  const orphanless = setpriv ? `${quote(setpriv)} --pdeathsig KILL -- ` : "";
  return [
    `${orphanless}${quote(socat)} TCP-LISTEN:3128,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:/run/ratchet/proxy.sock >/dev/null 2>&1 &`,
    "{ exec 8<>/dev/ptmx; } 2>/dev/null",
    "for __r in {1..1000}; do { exec 9<>/dev/tcp/127.0.0.1/3128; } 2>/dev/null && { exec 9>&-; break; }; read -t 0.001 -u 8 2>/dev/null || [ $? -gt 128 ] || sleep 0.001; done",
    "exec 8<&-; unset __r",
  ].join("\n");
}

/**
 * Closes every descriptor of the shell above 2 but the ones the command is handed on purpose; a
 * listed one may be gone already (the glob's own).
 */
function closeInherited(keep: readonly number[]): string {
  const kept = keep.map((fd) => ` && [ "$__fd" != ${Math.trunc(fd)} ]`).join("");
  return `for __fd in /proc/self/fd/*; do __fd=\${__fd##*/}; [ "$__fd" -gt 2 ]${kept} && [ -e "/proc/self/fd/$__fd" ] && exec {__fd}<&-; done; unset __fd`;
}

/**
 * What a prestarted sandbox runs once its command arrives: the go byte on stdin (EOF: never
 * used, exit having run nothing), then the command from the slot's file through a fresh open of
 * the descriptor, read by a builtin (no process), and exactly what a fresh sandbox would `exec`.
 */
function awaitCommand(fd: number): string {
  const n = Math.trunc(fd);
  return [
    "read -r -n 1 || exit 125",
    "exec </dev/null",
    `IFS= read -r -d '' __cmd </dev/fd/${n} || :`,
    `exec ${n}<&-`,
    'exec /bin/bash --norc --noprofile -c "$__cmd"',
  ].join("\n");
}

/** An anonymous file of ours for a prestarted sandbox's command. */
function openCommandFile(): number {
  const file = path.join(os.tmpdir(), `ratchet-command-${randomUUID()}`);
  const fd = openSync(file, "wx", 0o600);
  unlinkSync(file);
  return fd;
}

async function stillCurrent(view: TaskView, spec: SandboxSpec): Promise<boolean> {
  try {
    for (const [i, dir] of spec.writable.entries()) {
      const was = view.identities[i];
      if (!was || (await realpath(dir)) !== was.path) return false;
      const now = await lstat(was.path);
      if (!now.isDirectory() || now.dev !== was.dev || now.ino !== was.ino) return false;
    }
    for (const { snapshot } of view.guards) {
      const now = await snapshotWorkspace(snapshot.workspace);
      if (now.entries.some((entry, i) => entry.digest !== snapshot.entries[i]?.digest)) return false;
    }
    if (spec.workspace && (await sharedObjectsOf(await realpath(spec.workspace))) !== view.sharedObjects)
      return false;
    return true;
  } catch {
    return false;
  }
}

const PROXY_URL = "http://127.0.0.1:3128";

const PROXY_ENV: Record<string, string> = {
  HTTP_PROXY: PROXY_URL,
  HTTPS_PROXY: PROXY_URL,
  http_proxy: PROXY_URL,
  https_proxy: PROXY_URL,
  NO_PROXY: SANDBOX_NO_PROXY,
  no_proxy: SANDBOX_NO_PROXY,
};

/** Builds the sandbox of one command: its view of the files, its environment, its proxy. */
export async function prepareSandboxed(input: PrepareInput, runtime: ReadyRuntime): Promise<PreparedCommand> {
  const { layout, locations, runDir, socat } = runtime;
  const { spec } = input;
  const settings = runtime.settings();
  const view = new TaskView(locations.dataDir);
  let proxy: CommandProxy | null = null;
  let slotFd: number | null = null;
  try {
    for (const dir of spec.writable) await view.writable(dir);
    for (const target of spec.readable ?? []) await view.readable(target);
    for (const dir of settings.readPaths) view.readonlyPath(dir);
    for (const dir of layout.toolchains) view.readonlyPath(dir);
    const home = layout.home;
    if (spec.workspace) {
      const stateDir = workspaceStateDir(locations.dataDir, await realpath(spec.workspace));
      view.mounts.push({ kind: "rw", path: home, source: await ensureHome(stateDir, runtime.gitIdentity) });
      // a worktree session's repository borrows the objects of the one it was made from: read-only
      const shared = await sharedObjectsOf(await realpath(spec.workspace));
      view.sharedObjects = shared;
      // a store gone since (the repository moved) is not mounted: git then says what it misses
      if (shared) await view.readable(shared, true).catch(() => {});
    } else view.mounts.push({ kind: "tmpfs", path: home });
    if (!view.shown.some((dir) => isInside(input.cwd, dir))) await view.readable(input.cwd, true);
    view.mounts.push(...masks(view.shown, locations));

    const networked = spec.network === "policy" && runtime.network().mode !== "none";
    if (networked) {
      proxy = await openCommandProxy(path.join(runDir, `proxy-${randomUUID()}.sock`), () => ({
        network: runtime.network(),
        allowedPrivate: runtime.settings().privateNetworks,
      }));
    }
    const early = input.prestart === true && input.early === true;
    slotFd = input.prestart && !early ? openCommandFile() : null;
    const inside = FIRST_FD + view.fds.length;
    const inner = [
      // every descriptor above stdio goes, by allowlist: those passed for bwrap's mounts (host
      // folders, which `openat(fd, "..")` would leave the view by), and whatever the server itself
      // inherited without close-on-exec from what started it (a pipe, a socket)
      closeInherited([...(input.keepFds ?? []), ...(slotFd === null ? [] : [inside])]),
      ...(networked ? [bridge(socat)] : []),
      slotFd === null ? `exec /bin/bash --norc --noprofile -c ${quote(input.command)}` : awaitCommand(inside),
    ].join("\n");
    const args = bwrapArguments({
      layout,
      mounts: view.mounts,
      proxySocket: proxy?.socketPath ?? null,
      cwd: input.cwd,
      tmpBytes: TMP_BYTES,
      empty: { file: path.join(runDir, "empty-file"), dir: path.join(runDir, "empty-dir") },
    });
    const script = `exec bwrap ${[...args, "--", "/bin/bash", "--norc", "--noprofile", "-c", inner].map(quote).join(" ")}`;
    const env = buildChildEnv({
      base: process.env,
      passNames: settings.envNames,
      fixed: {
        PATH: layout.path,
        HOME: home,
        SHELL: "/bin/bash",
        XDG_CACHE_HOME: path.join(home, ".cache"),
        // ~/.cargo is the read-only toolchain; crates download into the home's cache
        CARGO_HOME: path.join(home, ".cache", "cargo"),
        ...(networked ? PROXY_ENV : {}),
      },
      extra: input.env,
      marker: input.marker,
    });
    const opened = proxy;
    const commandFd = slotFd;
    return {
      script,
      env,
      fds: commandFd === null ? view.fds : [...view.fds, commandFd],
      release: () => view.release(),
      finish: async () => {
        await view.release();
        const denials = opened ? opened.denials() : [];
        await opened?.close();
        const guarded: string[] = [];
        for (const { snapshot, quarantine } of view.guards)
          guarded.push(...(await enforceWorkspace(snapshot, quarantine)));
        return { denials, guarded };
      },
      prestart: input.prestart
        ? {
            fd: commandFd,
            inside: commandFd === null ? null : inside,
            stillCurrent: () => stillCurrent(view, spec),
            discard: async () => {
              if (commandFd !== null) closeSync(commandFd);
              await view.release();
              await opened?.close();
            },
          }
        : null,
    };
  } catch (error) {
    await view.release();
    await proxy?.close();
    if (slotFd !== null) closeSync(slotFd);
    throw error;
  }
}
