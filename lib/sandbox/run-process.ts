import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createAnsiStripper } from "./ansi";
import { dropIgnoredControls } from "./controls";
import { formatBytes, ModelOutput } from "./output";
import { type PreparedCommand, type PrestartSlot, prepareSandboxed, type SandboxSpec } from "./prepare";
import {
  discardPrestarted,
  type Prestarted,
  type PrestartPlan,
  prestartPlan,
  schedulePrestart,
  takePrestarted,
  withTmp,
} from "./prestart";
import { makePrivateTmp, removePrivateTmp, sandboxEnv } from "./private-tmp";
import { groupExists, signalGroup } from "./reap";
import { readyRuntime, sandboxStatus, unsandboxedEnv } from "./sandbox-runtime";
import { collectSecrets, createStreamMasker, maskSecrets, type StreamMasker } from "./secrets";
import { closeScript, JOIN_FAILED, openGate, type Shell, spawnShell } from "./shell";
import { createTaskCap, type TaskCap } from "./task-cap";

export interface RunProcessOptions {
  /** Run by `bash -c`. */
  command: string;
  cwd: string;
  /** Extra env; the rest is the sandbox's allowlist of the server's environment (child-env.ts). */
  env?: Record<string, string>;
  timeoutMs: number;
  /** Bytes of output kept in `output` for the model. */
  modelCapBytes: number;
  /** Total bytes streamed before the process group is killed. */
  streamCapBytes: number;
  /** Abort kills the whole group. */
  signal?: AbortSignal;
  /** Masked (with the server's own env secrets) in everything that leaves this module. */
  secrets?: string[];
  /**
   * Live output: masked, ANSI kept, control characters a terminal ignores (NUL…) dropped. A promise
   * it returns says when the chunk is taken care of (written to the event log): while more than
   * OUTPUT_BACKLOG characters are not, the command's pipe is not read, so the command waits.
   */
  onOutput?: (chunk: string) => unknown;
  /** Recorded by the caller so orphans can be reaped after a crash. */
  onSpawn?: (info: { pid: number; pgid: number; marker: string }) => void;
  /**
   * Run inside the sandbox with these rights. Fails closed: refused while the sandbox is
   * unavailable, unsandboxed only when the user turned it off.
   */
  sandbox?: SandboxSpec;
  /** Most tasks (processes and threads) alive at once, where the machine can enforce it. */
  maxTasks?: number;
  /** A temp folder only this command may write (TMPDIR, TMP, TEMP), removed after it. */
  privateTmp?: boolean;
  /**
   * Sandboxed: run in a sandbox started ahead for the same request when one is ready, and start
   * one for the next command after this one (prestart.ts). Same containment either way.
   */
  prestart?: boolean;
  /**
   * With `prestart`: what a prestarted sandbox runs instead of `command`, started with the sandbox
   * and so before this request exists; it must wait for one byte on its stdin before it does
   * anything of the request's (the tool host loads its loader hooks meanwhile). It is part of
   * what the sandbox is built from: a different one is a different sandbox. Fresh runs `command`.
   */
  prestartCommand?: string;
  /**
   * With `privateTmp`: fills the folder before the command starts and reads it after the command
   * ended, before the folder is removed, whichever sandbox the command runs in.
   */
  tmpFiles?: { before(tmp: string): Promise<void>; after(tmp: string): Promise<void> };
}

export type RunStatus =
  | "exited"
  | "timeout"
  | "cancelled"
  | "output-cap"
  | "spawn-error"
  | "sandbox-unavailable";

export const DEFAULT_MAX_TASKS = 512;

export interface RunProcessResult {
  exitCode: number | null;
  signal: string | null;
  status: RunStatus;
  /** As streamed, ANSI stripped, at most modelCapBytes plus a truncation marker. */
  output: string;
  /** Total bytes the process produced. */
  outputBytes: number;
  truncated: boolean;
  durationMs: number;
  error?: string;
  /** Network requests the sandbox's proxy refused, one line each. */
  sandboxDenials: string[];
  /** Protected workspace files the command created or swapped, and what was done about them. */
  workspaceGuard: string[];
  /** It ran in a sandbox started before it (`prestart`). */
  prestarted: boolean;
}

type StopReason = "timeout" | "cancelled" | "output-cap";

const KILL_GRACE_MS = 2000;
/** setTimeout fires immediately for larger delays. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long output may still arrive after the shell exited (background jobs hold the pipe). */
const DRAIN_MS = 100;
/**
 * Characters of live output whose listener has not finished with them (the event log's writes) before
 * the pipe stops being read. A command printing faster than the log writes would otherwise queue
 * its whole output in the server, where it outlives scavenges and raises RSS by several times its
 * size; paused, it waits in its own write, as it would behind a slow terminal. One event log batch.
 */
export const OUTPUT_BACKLOG = 1024 * 1024;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && "then" in value && typeof value.then === "function";
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Raised while preparing a spawned shell; the shell is killed before it runs anything. */
class NotStarted extends Error {
  constructor(
    readonly status: "spawn-error" | "sandbox-unavailable",
    message: string,
  ) {
    super(message);
  }
}

async function cwdProblem(cwd: string): Promise<string | null> {
  try {
    if (!(await stat(cwd)).isDirectory()) return `working directory is not a directory: ${cwd}`;
    return null;
  } catch {
    return `working directory does not exist: ${cwd}`;
  }
}

function notRun(
  status: "cancelled" | "spawn-error" | "sandbox-unavailable",
  started: number,
  error?: string,
): RunProcessResult {
  const result: RunProcessResult = {
    exitCode: null,
    signal: null,
    status,
    output: "",
    outputBytes: 0,
    truncated: false,
    durationMs: performance.now() - started,
    sandboxDenials: [],
    workspaceGuard: [],
    prestarted: false,
  };
  if (error !== undefined) result.error = error;
  return result;
}

export async function runProcess(opts: RunProcessOptions): Promise<RunProcessResult> {
  const started = performance.now();
  const secrets = collectSecrets(process.env, opts.secrets ?? []);
  if (opts.signal?.aborted) return notRun("cancelled", started);
  const problem = await cwdProblem(opts.cwd);
  if (problem) return notRun("spawn-error", started, maskSecrets(problem, secrets));
  const sandbox = sandboxStatus();
  if (opts.sandbox && sandbox.mode === "unavailable")
    return notRun("sandbox-unavailable", started, `Refused: ${sandbox.reason}`);
  const spec = sandbox.mode === "on" ? opts.sandbox : undefined;
  const plan = planOf(opts, spec);
  try {
    // bash cannot hold a NUL in a variable: such a command runs as it always did
    const ready = plan && !opts.command.includes("\0") ? await takePrestarted(plan) : null;
    if (ready) {
      const result = await runPrestarted(opts, secrets, ready);
      if (result) return result;
    }
    const tmp = opts.privateTmp ? await makePrivateTmp() : null;
    try {
      if (tmp) await opts.tmpFiles?.before(tmp);
      const result = await runFresh(opts, secrets, started, spec, tmp);
      if (tmp) await opts.tmpFiles?.after(tmp);
      return result;
    } finally {
      if (tmp) await removePrivateTmp(tmp);
    }
  } finally {
    // started while the model thinks about this command's output
    if (plan) void schedulePrestart(plan);
  }
}

function planOf(opts: RunProcessOptions, spec: SandboxSpec | undefined): PrestartPlan | null {
  const runtime = spec && opts.prestart ? readyRuntime() : null;
  if (!spec || !runtime) return null;
  return prestartPlan({
    early: opts.prestartCommand ?? null,
    cwd: opts.cwd,
    spec,
    env: opts.env ?? {},
    maxTasks: opts.maxTasks ?? DEFAULT_MAX_TASKS,
    privateTmp: opts.privateTmp === true,
    runtime,
  });
}

/**
 * Starts the sandbox a `prestart` request would find, and resolves once it is ready: for tests
 * and benchmarks that must know the next command runs in one.
 */
export async function prestartFor(opts: RunProcessOptions): Promise<void> {
  const plan = planOf(opts, sandboxStatus().mode === "on" ? opts.sandbox : undefined);
  if (plan) await schedulePrestart(plan);
}

async function runFresh(
  opts: RunProcessOptions,
  secrets: string[],
  started: number,
  spec: SandboxSpec | undefined,
  tmp: string | null,
): Promise<RunProcessResult> {
  const marker = randomUUID();
  let prepared: PreparedCommand;
  if (spec) {
    try {
      const runtime = readyRuntime();
      if (!runtime) throw new Error(sandboxStatus().reason ?? "not initialized");
      const request = withTmp(spec, opts.env ?? {}, tmp);
      prepared = await prepareSandboxed(
        { command: opts.command, cwd: opts.cwd, spec: request.spec, env: request.env, marker },
        runtime,
      );
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return notRun(
        "sandbox-unavailable",
        started,
        maskSecrets(`Refused: the sandbox failed: ${detail}`, secrets),
      );
    }
  } else {
    prepared = unsandboxed(opts, marker, tmp);
  }
  const cap = createTaskCap(opts.maxTasks ?? DEFAULT_MAX_TASKS);
  const result = await new Promise<RunProcessResult>((resolve) =>
    new ProcessRun(opts, secrets, started, resolve, prepared, marker, cap).start(),
  );
  return settle(result, prepared, cap, secrets);
}

/**
 * The command in a sandbox started for it before it was known, or null when that sandbox ended
 * before the command reached it (it then runs fresh). Timing starts here: the wait was not its.
 */
async function runPrestarted(
  opts: RunProcessOptions,
  secrets: string[],
  ready: Prestarted,
): Promise<RunProcessResult | null> {
  if (ready.shell.exit) {
    await discardPrestarted(ready);
    return null;
  }
  const started = performance.now();
  try {
    if (ready.tmp) await opts.tmpFiles?.before(ready.tmp);
  } catch (error) {
    await discardPrestarted(ready);
    throw error;
  }
  const result = await new Promise<RunProcessResult>((resolve) =>
    new ProcessRun(opts, secrets, started, resolve, ready.prepared, ready.marker, ready.cap).adopt(
      ready.shell,
      ready.slot,
    ),
  );
  result.prestarted = true;
  try {
    const settled = await settle(result, ready.prepared, ready.cap, secrets);
    if (ready.tmp) await opts.tmpFiles?.after(ready.tmp);
    return settled;
  } finally {
    if (ready.tmp) await removePrivateTmp(ready.tmp);
  }
}

async function settle(
  result: RunProcessResult,
  prepared: PreparedCommand,
  cap: TaskCap | null,
  secrets: string[],
): Promise<RunProcessResult> {
  await releaseCap(cap);
  const after = await prepared.finish();
  result.sandboxDenials = after.denials.map((line) => maskSecrets(line, secrets));
  result.workspaceGuard = after.guarded.map((line) => maskSecrets(line, secrets));
  return result;
}

/** Its own `bash -c`, as inside the sandbox: error messages and `$0` stay those of a plain shell. */
function unsandboxed(opts: RunProcessOptions, marker: string, tmp: string | null): PreparedCommand {
  return {
    script: `exec bash -c ${quote(opts.command)}`,
    env: unsandboxedEnv({ ...(opts.env ?? {}), ...(tmp ? sandboxEnv(tmp) : {}) }, marker),
    fds: [],
    release: async () => {},
    finish: async () => ({ denials: [], guarded: [] }),
    prestart: null,
  };
}

/** Survivors die before the result is returned; removing the empty group need not delay it. */
async function releaseCap(cap: TaskCap | null): Promise<void> {
  if (!cap) return;
  await cap.killAll();
  void cap.release();
}

class ProcessRun {
  private readonly decoder = new TextDecoder("utf-8");
  private readonly masker: StreamMasker;
  private readonly ansi = createAnsiStripper();
  private readonly model: ModelOutput;
  private child: ChildProcess | null = null;
  private pgid = 0;
  private bytes = 0;
  private openPipes = 0;
  private stopReason: StopReason | null = null;
  private exit: { code: number | null; signal: string | null } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private killTimer: NodeJS.Timeout | null = null;
  private settled = false;
  private shell: Shell | null = null;
  private failure: NotStarted | null = null;
  /** The first characters of the output: where the gate says it could not join the pids group. */
  private head = "";
  /** Characters handed to onOutput that it has not finished with (OUTPUT_BACKLOG). */
  private backlog = 0;
  private paused = false;

  constructor(
    private readonly opts: RunProcessOptions,
    private readonly secrets: string[],
    private readonly started: number,
    private readonly resolve: (result: RunProcessResult) => void,
    private readonly prepared: PreparedCommand,
    private readonly marker: string,
    private readonly cap: TaskCap | null,
  ) {
    this.masker = createStreamMasker(secrets);
    this.model = new ModelOutput(opts.modelCapBytes);
  }

  private readonly onAbort = (): void => this.stop("cancelled");

  start(): void {
    let shell: Shell;
    try {
      shell = spawnShell(this.prepared, this.cap, {
        cwd: this.opts.cwd,
        marker: this.marker,
        keepStdin: false,
      });
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.attach(shell)) void this.openGate(shell);
  }

  /**
   * Runs the command in a sandbox that was started before it, waiting on stdin (prestart.ts): its
   * text goes into the slot's file, then the go byte and EOF on stdin.
   */
  adopt(shell: Shell, slot: PrestartSlot): void {
    try {
      // stopped already (aborted while it was taken): the command is never handed over
      if (!this.attach(shell) || this.stopReason) return;
      // a command that started early was given with the sandbox; the go alone starts its work
      if (slot.fd !== null) writeFileSync(slot.fd, this.opts.command);
      shell.child.stdin?.end("\n");
    } catch (error) {
      this.failure = new NotStarted("spawn-error", `could not hand the command over: ${String(error)}`);
      signalGroup(this.pgid, "SIGKILL");
    } finally {
      if (slot.fd !== null) closeSync(slot.fd);
    }
  }

  /** Listens to a spawned shell; false when its spawn failed (the "error" event reports it). */
  private attach(shell: Shell): boolean {
    this.shell = shell;
    const child = shell.child;
    this.child = child;
    shell.onError = (error) => this.onError(error);
    if (child.pid === undefined) {
      if (shell.error) this.onError(shell.error);
      return false;
    }
    this.pgid = child.pid; // detached: the child leads its own group
    for (const pipe of [child.stdout, child.stderr]) {
      // a prestarted shell's stderr closed long ago (the gate sends it to stdout): no data was
      // lost, but its "close" was emitted before anyone listened
      if (!pipe || pipe.closed) continue;
      this.openPipes++;
      pipe.on("data", (chunk: Buffer) => this.onData(chunk));
      pipe.once("close", () => this.onPipeClosed());
    }
    this.armStops();
    this.notifySpawn(child.pid);
    shell.onExit = (code, signal) => this.onExit(code, signal);
    if (shell.exit) this.onExit(shell.exit.code, shell.exit.signal);
    return true;
  }

  /** Runs the script once it is wrapped and the shell sits in its pids group. */
  private async openGate(shell: Shell): Promise<void> {
    try {
      await openGate(shell, this.cap, this.prepared.script, {
        keepStdin: false,
        wanted: () => !this.stopReason && !this.exit,
      });
    } catch (error) {
      if (this.stopReason || this.exit) return;
      this.failure = new NotStarted("spawn-error", `could not cap the command's tasks: ${String(error)}`);
      signalGroup(this.pgid, "SIGKILL");
    }
  }

  private armStops(): void {
    const { timeoutMs } = this.opts;
    if (Number.isFinite(timeoutMs))
      this.later(Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS), () => this.stop("timeout"));
    this.opts.signal?.addEventListener("abort", this.onAbort, { once: true });
    // aborted while the sandbox was prepared or taken: an "abort" event will not come again
    if (this.opts.signal?.aborted) this.stop("cancelled");
  }

  private notifySpawn(pid: number): void {
    try {
      this.opts.onSpawn?.({ pid, pgid: this.pgid, marker: this.marker });
    } catch {
      // a failing listener must not leave the process unsupervised
    }
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private onData(chunk: Buffer): void {
    if (this.settled || this.stopReason === "output-cap") return;
    const allowed = this.opts.streamCapBytes - this.bytes;
    this.bytes += chunk.length;
    if (chunk.length <= allowed) {
      this.emit(this.decode(chunk));
      return;
    }
    this.emit(this.decode(chunk.subarray(0, Math.max(0, allowed))));
    this.stop("output-cap");
    this.closePipes(); // stop reading now; the group is being killed anyway
  }

  /** Masking sees what a terminal shows: a secret with NULs between its characters is masked too. */
  private decode(bytes: Buffer): string {
    return this.masker.push(dropIgnoredControls(this.decoder.decode(bytes, { stream: true })));
  }

  private emit(text: string): void {
    if (text.length === 0) return;
    if (this.head.length < JOIN_FAILED.length) this.head += text.slice(0, JOIN_FAILED.length);
    let handled: unknown;
    try {
      handled = this.opts.onOutput?.(text);
    } catch {
      // a failing listener must not break process control
    }
    if (isThenable(handled)) this.holdBack(text.length, handled);
    // past the model's cap the text is only counted: no need to strip it
    if (!this.model.truncated) this.model.append(this.ansi.push(text));
  }

  /** Stops reading the pipe while the listener is more than OUTPUT_BACKLOG characters behind. */
  private holdBack(size: number, handled: PromiseLike<unknown>): void {
    this.backlog += size;
    const done = (): void => {
      this.backlog -= size;
      if (this.paused && this.backlog <= OUTPUT_BACKLOG) this.readPipes();
    };
    handled.then(done, done);
    if (this.backlog > OUTPUT_BACKLOG && !this.paused && !this.exit && !this.settled) {
      this.paused = true;
      this.child?.stdout?.pause();
      this.child?.stderr?.pause();
    }
  }

  private readPipes(): void {
    if (!this.paused) return;
    this.paused = false;
    this.child?.stdout?.resume();
    this.child?.stderr?.resume();
  }

  private stop(reason: StopReason): void {
    if (this.stopReason || this.exit || this.settled) return;
    this.stopReason = reason;
    this.terminateGroup();
  }

  /** SIGTERM now, SIGKILL for whatever is left after the grace period. */
  private terminateGroup(): void {
    if (this.killTimer || !signalGroup(this.pgid, "SIGTERM")) return;
    const pgid = this.pgid;
    this.killTimer = setTimeout(() => signalGroup(pgid, "SIGKILL"), KILL_GRACE_MS);
    this.killTimer.unref();
  }

  private onExit(code: number | null, signal: string | null): void {
    this.exit = { code, signal };
    // what the shell wrote before exiting is read within the drain time, however far behind the
    // listener is: at most a pipe's buffer, and whatever background jobs print until they are killed
    this.readPipes();
    // background jobs (`server &`) would outlive the command and hold the pipe open
    this.terminateGroup();
    // Node can report the exit before it has read what the shell wrote just before exiting: libuv
    // handles SIGCHLD after the other events of a poll and reaps every child that has exited by
    // then, so that output is read only in the next poll, and a busy server can pass the deadline
    // before it polls again. So at the deadline the pipes close only after one more poll: an
    // immediate set from a timer runs after the next poll.
    this.later(DRAIN_MS, () =>
      setImmediate(() => {
        if (this.settled) return;
        this.closePipes();
        this.finish();
      }),
    );
    this.finishIfDone();
  }

  private closePipes(): void {
    this.child?.stdin?.destroy();
    this.child?.stdout?.destroy();
    this.child?.stderr?.destroy();
  }

  private onPipeClosed(): void {
    this.openPipes--;
    this.finishIfDone();
  }

  private finishIfDone(): void {
    if (this.exit && this.openPipes === 0) this.finish();
  }

  private onError(error: Error): void {
    if (this.child?.pid !== undefined) return; // spawned fine; "exit" reports the outcome
    this.settled = true;
    this.cleanup();
    this.resolve(notRun("spawn-error", this.started, maskSecrets(error.message, this.secrets)));
  }

  private cleanup(): void {
    if (this.shell) closeScript(this.shell);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.opts.signal?.removeEventListener("abort", this.onAbort);
    // nothing left to kill: don't signal a group id the kernel may hand out again
    if (this.killTimer && !groupExists(this.pgid)) clearTimeout(this.killTimer);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanup();
    this.emit(this.masker.push(dropIgnoredControls(this.decoder.decode())) + this.masker.flush());
    this.model.append(this.ansi.flush());
    this.resolve(this.result());
  }

  private result(): RunProcessResult {
    if (this.cap?.selfJoinFile && this.exit?.code === 125 && this.head.startsWith(JOIN_FAILED))
      this.failure = new NotStarted(
        "spawn-error",
        "could not cap the command's tasks: the shell could not join its pids group",
      );
    if (this.failure)
      return notRun(this.failure.status, this.started, maskSecrets(this.failure.message, this.secrets));
    const capped = this.stopReason === "output-cap";
    const reason = capped
      ? `process killed after ${formatBytes(this.opts.streamCapBytes)} of output`
      : undefined;
    return {
      exitCode: this.exit?.code ?? null,
      signal: this.exit?.signal ?? null,
      status: this.stopReason ?? "exited",
      output: this.model.finish(this.bytes, reason),
      outputBytes: this.bytes,
      truncated: this.model.truncated || capped,
      durationMs: performance.now() - this.started,
      sandboxDenials: [],
      workspaceGuard: [],
      prestarted: false,
    };
  }
}
