import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, openSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { type PreparedCommand, prepareSandboxed, type SandboxSpec } from "./prepare";
import { signalGroup } from "./reap";
import { readyRuntime, sandboxStatus, unsandboxedEnv } from "./sandbox-runtime";
import { collectSecrets, maskSecrets } from "./secrets";
import { createTaskCap } from "./task-cap";

/**
 * A process that stays up and talks over stdin/stdout (an MCP server), inside the same sandbox as
 * a command: the same prepareSandboxed view, environment allowlist, network proxy and task cap.
 * It differs from runProcess only in what it keeps open: stdin stays the caller's pipe and stderr
 * is kept apart from stdout (stdout carries the protocol).
 */
export interface LongLivedOptions {
  /** Run by `bash -c`. */
  command: string;
  cwd: string;
  /** Extra env on top of the sandbox's allowlist. */
  env?: Record<string, string>;
  sandbox: SandboxSpec;
  /** Masked in stderr lines and errors. */
  secrets?: string[];
  maxTasks?: number;
  /** Recorded by the caller so an orphan can be reaped after a crash. */
  onSpawn?: (info: { pid: number; pgid: number; marker: string }) => void;
  /** Masked stderr, for diagnostics. */
  onStderr?: (text: string) => void;
}

export interface LongLivedExit {
  code: number | null;
  signal: string | null;
  /** Network requests the proxy refused while it ran. */
  denials: string[];
}

export interface LongLivedProcess {
  stdin: Writable;
  stdout: Readable;
  pid: number;
  /** Settles when the process ended and its sandbox was taken down. */
  exited: Promise<LongLivedExit>;
  /** SIGTERM to the group, SIGKILL after a grace period; resolves once it exited. */
  stop(): Promise<LongLivedExit>;
}

const SETPRIV = "/usr/bin/setpriv";
const KILL_GRACE_MS = 1500;
/** As runProcess's gate, but stdin stays open for the protocol and stderr stays apart. */
const GATE = ["read -r -n 1 || exit 125", ". /dev/fd/3"].join("\n");

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The lifeline's descriptor: fixed, above the sandbox's own (0–2 stdio, 3 the script, 4… mounts). */
const LIFELINE_FD = 63;

/**
 * Inside the sandbox's PID namespace, a watcher blocks on a pipe only this server holds open; when
 * the server dies, even by SIGKILL, the read ends and the watcher kills everything in the
 * namespace. bwrap's --die-with-parent alone was seen to leave the namespace's init running with
 * the command under it (its parent-death signal is lost when it drops its capabilities).
 */
function withLifeline(command: string, fd: number): string {
  return `( read -r -u ${fd} _; kill -KILL -1 ) & exec ${fd}<&-; ${command}`;
}

/** A shell line that runs `argv` as given: every word quoted, nothing expanded. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(quote).join(" ");
}

function unsandboxed(command: string, env: Record<string, string>, marker: string): PreparedCommand {
  return {
    script: `exec bash --norc --noprofile -c ${quote(command)}`,
    env: unsandboxedEnv(env, marker),
    fds: [],
    release: async () => {},
    finish: async () => ({ denials: [], guarded: [] }),
    prestart: null,
  };
}

/**
 * Starts `command` in the sandbox and returns once it runs. Fails closed like runProcess: throws
 * while the sandbox is unavailable; unsandboxed only when the user turned the sandbox off.
 */
export async function spawnLongLived(opts: LongLivedOptions): Promise<LongLivedProcess> {
  const secrets = collectSecrets(process.env, opts.secrets ?? []);
  const status = sandboxStatus();
  if (status.mode === "unavailable")
    throw new Error(`Refused: ${status.reason ?? "the sandbox is unavailable"}`);
  const marker = randomUUID();
  let prepared: PreparedCommand;
  const sandboxed = status.mode === "on";
  if (sandboxed) {
    const runtime = readyRuntime();
    if (!runtime) throw new Error(`Refused: ${status.reason ?? "the sandbox is not initialized"}`);
    prepared = await prepareSandboxed(
      {
        command: withLifeline(opts.command, LIFELINE_FD),
        cwd: opts.cwd,
        spec: opts.sandbox,
        env: opts.env ?? {},
        marker,
        keepFds: [LIFELINE_FD],
      },
      runtime,
    );
    if (4 + prepared.fds.length > LIFELINE_FD) {
      await prepared.finish();
      throw new Error("Refused: the sandbox needs more descriptors than the lifeline leaves");
    }
  } else prepared = unsandboxed(opts.command, opts.env ?? {}, marker);

  const file = path.join(os.tmpdir(), `ratchet-script-${marker}`);
  const scriptFd = openSync(file, "wx", 0o600);
  unlinkSync(file);
  const cap = createTaskCap(opts.maxTasks ?? 256);
  let child: ChildProcess;
  try {
    child = spawn(
      /*turbopackIgnore: true*/ SETPRIV,
      ["--pdeathsig", "KILL", "--", "bash", "--norc", "--noprofile", "-c", GATE],
      {
        cwd: opts.cwd,
        env: prepared.env as NodeJS.ProcessEnv,
        detached: true,
        // the lifeline: a pipe we never write, open until this process dies (sandboxed only:
        // `kill -1` outside a PID namespace would reach every process of the user)
        stdio: [
          "pipe",
          "pipe",
          "pipe",
          scriptFd,
          ...prepared.fds,
          ...(sandboxed
            ? [...Array<"ignore">(LIFELINE_FD - 4 - prepared.fds.length).fill("ignore"), "pipe" as const]
            : []),
        ],
      },
    );
  } catch (error) {
    closeSync(scriptFd);
    await prepared.finish();
    throw error;
  }
  void prepared.release();
  const pid = child.pid;
  const { stdin, stdout, stderr } = child;
  // our end of the lifeline: closing it kills the namespace (see withLifeline)
  const descriptors: ReadonlyArray<Readable | Writable | null | undefined> = child.stdio;
  const lifeline = sandboxed ? descriptors[LIFELINE_FD] : null;
  if (pid === undefined || !stdin || !stdout || !stderr) {
    closeSync(scriptFd);
    await prepared.finish();
    throw new Error("could not start the process");
  }
  stdin.on("error", () => {}); // the server may die with our last message unread
  stderr.setEncoding("utf8");
  stderr.on("data", (text: string) => opts.onStderr?.(maskSecrets(text, secrets)));
  const exited = new Promise<LongLivedExit>((resolve) => {
    child.once("exit", (code, signal) => {
      // bwrap gone is not everything inside gone: the namespace goes with the lifeline
      lifeline?.destroy();
      // whatever it left running in its group goes with it
      signalGroup(pid, "SIGKILL");
      void (async () => {
        await cap?.killAll();
        void cap?.release();
        const after = await prepared.finish().catch(() => ({ denials: [], guarded: [] }));
        resolve({ code, signal, denials: after.denials.map((d) => maskSecrets(d, secrets)) });
      })();
    });
  });
  try {
    opts.onSpawn?.({ pid, pgid: pid, marker });
    await cap?.join(pid);
    writeFileSync(scriptFd, `exec 3<&-\n${prepared.script}`);
    stdin.write("\n");
  } catch (error) {
    signalGroup(pid, "SIGKILL");
    await exited;
    throw error;
  } finally {
    closeSync(scriptFd);
  }
  let stopping: Promise<LongLivedExit> | null = null;
  return {
    stdin,
    stdout,
    pid,
    exited,
    stop() {
      stopping ??= (async () => {
        stdin.end();
        if (signalGroup(pid, "SIGTERM")) {
          const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), KILL_GRACE_MS);
          timer.unref();
          const result = await exited;
          clearTimeout(timer);
          return result;
        }
        return exited;
      })();
      return stopping;
    },
  };
}
