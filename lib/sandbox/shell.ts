import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { processState } from "@/lib/process-state";
import type { PreparedCommand } from "./prepare";
import type { TaskCap } from "./task-cap";

const SETPRIV = "/usr/bin/setpriv";

/** Looked up once per process: the system's binaries do not change while the server runs. */
const hasSetpriv = processState("sandbox.setpriv", () => {
  try {
    accessSync(SETPRIV, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/** setpriv's path where the machine has it, to give a process a parent-death signal. */
export function setprivPath(): string | null {
  return hasSetpriv() ? SETPRIV : null;
}

/** What the gate prints when it cannot join its pids group; it exits then, having run nothing. */
export const JOIN_FAILED = "ratchet: the command could not join its pids group; it was not run";

/**
 * The shell starts before its script runs and waits on stdin: moving the shell into its pids
 * group runs meanwhile, and the shell forks nothing until that is done. Where the group takes a
 * process that moves itself (cgroup v1, `$1` names its file), the shell does so after the gate
 * opens and before it forks or runs anything, and exits if it cannot. The script arrives in fd 3,
 * an unlinked file: Node's stdio pipes are sockets, which `.` cannot open and `read` would take
 * byte by byte. A prestarted sandbox (`$2`) keeps stdin: its inner shell waits there for its go.
 */
const GATE = [
  // stderr joins stdout inside the shell, so one pipe carries both in the order they were written
  "exec 2>&1",
  "read -r -n 1 || exit 125",
  '[ -n "$2" ] || exec </dev/null',
  `[ -z "$1" ] || { echo 0 >"$1"; } 2>/dev/null || { echo ${JSON.stringify(JOIN_FAILED)}; exit 125; }`,
  "set --",
  ". /dev/fd/3",
].join("\n");

function commandLine(selfJoinFile: string, keepStdin: boolean): [string, string[]] {
  // --norc: a non-interactive bash whose stdin is a socket (Node's pipes are socketpairs) thinks it
  // was started by sshd and runs ~/.bashrc when SHLVL is unset (a service, a container), outside the
  // sandbox and before every command: slow, and stuck behind whatever it waits on (pyenv's lock)
  const bash = ["bash", "--norc", "--noprofile", "-c", GATE, "bash", selfJoinFile, keepStdin ? "keep" : ""];
  // the shell gets SIGKILL if the server dies, even by SIGKILL
  if (hasSetpriv()) return [SETPRIV, ["--pdeathsig", "KILL", "--", ...bash]];
  return ["bash", bash.slice(1)];
}

/** An anonymous file for the script, passed to the shell as fd 3. */
function openScriptFile(marker: string): number {
  const file = path.join(os.tmpdir(), `ratchet-script-${marker}`);
  const fd = openSync(file, "wx", 0o600);
  unlinkSync(file);
  return fd;
}

/** A spawned gate shell. Its exit is recorded whoever listens: a prestarted one may end unused. */
export interface Shell {
  child: ChildProcess;
  /** The script file, held until the gate opens. */
  scriptFd: number | null;
  exit: { code: number | null; signal: string | null } | null;
  /** The spawn itself failed (no pid). */
  error: Error | null;
  onExit: ((code: number | null, signal: string | null) => void) | null;
  onError: ((error: Error) => void) | null;
}

/**
 * Spawns the gate shell of `prepared` in its own process group; it runs nothing until `openGate`.
 * Throws only when the script file cannot be made.
 */
export function spawnShell(
  prepared: PreparedCommand,
  cap: TaskCap | null,
  opts: { cwd: string; marker: string; keepStdin: boolean },
): Shell {
  const scriptFd = openScriptFile(opts.marker);
  const [file, args] = commandLine(cap?.selfJoinFile ?? "", opts.keepStdin);
  const child = spawn(/*turbopackIgnore: true*/ file, args, {
    cwd: opts.cwd,
    // cast: Next.js declares NODE_ENV required on ProcessEnv; a child env need not carry it
    env: prepared.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["pipe", "pipe", "pipe", scriptFd, ...prepared.fds],
  });
  // the child holds its own copies of the descriptors now
  void prepared.release();
  const shell: Shell = { child, scriptFd, exit: null, error: null, onExit: null, onError: null };
  child.once("error", (error) => {
    if (child.pid === undefined) shell.error = error;
    shell.onError?.(error);
  });
  child.once("exit", (code, signal) => {
    shell.exit = { code, signal };
    shell.onExit?.(code, signal);
  });
  child.stdin?.on("error", () => {}); // the shell may be killed before its gate opens
  return shell;
}

export function closeScript(shell: Shell): void {
  if (shell.scriptFd === null) return;
  closeSync(shell.scriptFd);
  shell.scriptFd = null;
}

/**
 * Runs `script` once the shell sits in its pids group, unless `wanted` says it is no longer
 * wanted by then. A prestarted shell's stdin stays open for its command's go.
 */
export async function openGate(
  shell: Shell,
  cap: TaskCap | null,
  script: string,
  opts: { keepStdin: boolean; wanted: () => boolean },
): Promise<void> {
  try {
    const pid = shell.child.pid;
    if (pid === undefined) return;
    // a shell that joins by itself needs no wait: it joins before it runs anything
    if (!cap?.selfJoinFile) await cap?.join(pid);
    if (!opts.wanted() || shell.exit || shell.scriptFd === null) return;
    // fd 3 closes first so the command does not inherit it
    writeFileSync(shell.scriptFd, `exec 3<&-\n${script}`);
    if (opts.keepStdin) shell.child.stdin?.write("\n");
    else shell.child.stdin?.end("\n");
  } finally {
    closeScript(shell);
  }
}
