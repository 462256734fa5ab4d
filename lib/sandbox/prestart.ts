import { createHash, randomUUID } from "node:crypto";
import { processState } from "@/lib/process-state";
import {
  type PreparedCommand,
  type PrestartSlot,
  prepareSandboxed,
  type ReadyRuntime,
  type SandboxSpec,
} from "./prepare";
import { makePrivateTmp, removePrivateTmp, sandboxEnv } from "./private-tmp";
import { signalGroup } from "./reap";
import { closeScript, openGate, type Shell, spawnShell } from "./shell";
import { createTaskCap, type TaskCap } from "./task-cap";

/**
 * Sandboxes started before their commands are known. A session's commands mostly come one after
 * another with a model call between them, and most of a sandboxed command's start is the same
 * every time (bwrap's mounts, the network bridge's socat, three shells), so the next one is started
 * as soon as a command ends, and the command after waits only for its own `bash -c`.
 *
 * Each prestarted sandbox is an ordinary fresh one, exactly as `runProcess` would make it for
 * the same request: its own namespaces, pids group, proxy, private temp folder; it serves ONE
 * command and is gone with it, as before. Nothing of the agent's runs in it before its command.
 * It is used only when (1) everything it was built from is the same now: the request (folders,
 * cwd, variables, task cap) and the admin's settings it baked in, by the key; the network policy
 * is read by its proxy at each connection anyway; and (2) `stillCurrent` finds the same folders by
 * identity and the same protected names in the workspace. Otherwise it is discarded unused, which
 * never touches the workspace (the guard's undo runs only after a command).
 *
 * Bounds: one per key, MAX_READY in all (oldest discarded first), each discarded after IDLE_MS.
 */
const IDLE_MS = 120_000;
const MAX_READY = 8;

/** What a prestarted sandbox is built from; `key` says when two requests would build the same one. */
export interface PrestartPlan {
  key: string;
  /** A command that starts with the sandbox and waits for its go itself (`PrepareInput.early`). */
  early: string | null;
  cwd: string;
  spec: SandboxSpec;
  env: Record<string, string>;
  maxTasks: number;
  privateTmp: boolean;
  runtime: ReadyRuntime;
}

export interface Prestarted {
  shell: Shell;
  prepared: PreparedCommand;
  slot: PrestartSlot;
  cap: TaskCap | null;
  marker: string;
  tmp: string | null;
}

interface Entry extends Prestarted {
  key: string;
  timer: NodeJS.Timeout | null;
}

export interface PrestartStats {
  started: number;
  used: number;
  discarded: number;
}

interface Pool {
  ready: Map<string, Entry>;
  starting: Map<string, Promise<void>>;
  stats: PrestartStats;
  closed: boolean;
  idleMs: number;
}

/** Live processes of ours: dies with the process (pdeathsig, --die-with-parent). */
const pool = processState<Pool>("sandbox.prestarted", () => ({
  ready: new Map(),
  starting: new Map(),
  stats: { started: 0, used: 0, discarded: 0 },
  closed: false,
  idleMs: IDLE_MS,
}));

export function prestartPlan(input: Omit<PrestartPlan, "key">): PrestartPlan {
  const { runtime } = input;
  const settings = runtime.settings();
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        input.early,
        runtime.runDir,
        input.cwd,
        input.spec,
        Object.entries(input.env).sort(([a], [b]) => (a < b ? -1 : 1)),
        input.maxTasks,
        input.privateTmp,
        settings.readPaths,
        settings.envNames,
        settings.envNames.map((name) => process.env[name] ?? null),
        // whether the bridge runs at all; which hosts it lets through is read per connection
        runtime.network().mode === "none",
      ]),
    )
    .digest("hex");
  return { ...input, key };
}

/** The request as a fresh sandbox would get it: the private temp folder added. */
export function withTmp(
  spec: SandboxSpec,
  env: Record<string, string>,
  tmp: string | null,
): { spec: SandboxSpec; env: Record<string, string> } {
  if (tmp === null) return { spec, env };
  return { spec: { ...spec, writable: [...spec.writable, tmp] }, env: { ...env, ...sandboxEnv(tmp) } };
}

export function prestartStats(): PrestartStats {
  return { ...pool().stats };
}

async function discard(entry: Prestarted & { timer?: NodeJS.Timeout | null }): Promise<void> {
  if (entry.timer) clearTimeout(entry.timer);
  pool().stats.discarded++;
  closeScript(entry.shell);
  const pid = entry.shell.child.pid;
  if (pid !== undefined) signalGroup(pid, "SIGKILL");
  for (const pipe of [entry.shell.child.stdin, entry.shell.child.stdout, entry.shell.child.stderr])
    pipe?.destroy();
  await entry.cap?.killAll();
  void entry.cap?.release();
  await entry.slot.discard().catch(() => {});
  if (entry.tmp) await removePrivateTmp(entry.tmp);
}

/**
 * The ready sandbox for `plan`, checked to still be what a fresh one would be, or null. The
 * caller owns it: it runs its command in it, or `discardPrestarted`s it.
 */
export async function takePrestarted(plan: PrestartPlan): Promise<Prestarted | null> {
  const { ready, starting } = pool();
  // one being started is further along than a fresh one would be
  await starting.get(plan.key);
  const entry = ready.get(plan.key);
  if (!entry) return null;
  ready.delete(plan.key);
  if (entry.timer) clearTimeout(entry.timer);
  const usable = !entry.shell.exit && !entry.shell.error && (await entry.slot.stillCurrent());
  if (usable && !entry.shell.exit) {
    pool().stats.used++;
    return entry;
  }
  await discard(entry);
  return null;
}

export function discardPrestarted(prestarted: Prestarted): Promise<void> {
  return discard(prestarted);
}

/**
 * Starts the sandbox for the next command of `plan` in the background, unless one is there; the
 * promise says when it is ready (or was not made: the command will then run fresh).
 */
export function schedulePrestart(plan: PrestartPlan): Promise<void> {
  const p = pool();
  if (p.closed || p.ready.has(plan.key)) return Promise.resolve();
  const pending = p.starting.get(plan.key);
  if (pending) return pending;
  const started = build(plan)
    .catch(() => {})
    .finally(() => p.starting.delete(plan.key));
  p.starting.set(plan.key, started);
  return started;
}

/** The gate shells of the sandboxes ready now (tests). */
export function prestartedPids(): number[] {
  return [...pool().ready.values()].flatMap((entry) => entry.shell.child.pid ?? []);
}

/** How long an unused one is kept; tests shorten it. */
export function setPrestartIdleMs(ms: number): void {
  pool().idleMs = ms;
}

async function build(plan: PrestartPlan): Promise<void> {
  const p = pool();
  const tmp = plan.privateTmp ? await makePrivateTmp() : null;
  const marker = randomUUID();
  const { spec, env } = withTmp(plan.spec, plan.env, tmp);
  let prepared: PreparedCommand;
  try {
    prepared = await prepareSandboxed(
      {
        command: plan.early ?? "",
        early: plan.early !== null,
        cwd: plan.cwd,
        spec,
        env,
        marker,
        prestart: true,
      },
      plan.runtime,
    );
  } catch {
    // the command that comes will prepare its own and say what failed
    if (tmp) await removePrivateTmp(tmp);
    return;
  }
  const slot = prepared.prestart;
  if (!slot) throw new Error("prepared without a prestart slot");
  const cap = createTaskCap(plan.maxTasks);
  let shell: Shell;
  try {
    shell = spawnShell(prepared, cap, { cwd: plan.cwd, marker, keepStdin: true });
  } catch {
    await prepared.release();
    await slot.discard();
    void cap?.release();
    if (tmp) await removePrivateTmp(tmp);
    return;
  }
  const entry: Entry = { key: plan.key, shell, prepared, slot, cap, marker, tmp, timer: null };
  p.stats.started++;
  try {
    await openGate(shell, cap, prepared.script, { keepStdin: true, wanted: () => !p.closed });
  } catch {
    // no pids group: the command that comes runs fresh and reports it
  }
  if (p.closed || shell.exit || shell.error || shell.child.pid === undefined) {
    await discard(entry);
    return;
  }
  for (const [key, old] of p.ready) {
    if (p.ready.size < MAX_READY) break;
    p.ready.delete(key);
    void discard(old);
  }
  entry.timer = setTimeout(() => {
    if (p.ready.get(plan.key) !== entry) return;
    p.ready.delete(plan.key);
    void discard(entry);
  }, p.idleMs);
  entry.timer.unref();
  p.ready.set(plan.key, entry);
}

/** Waits for the sandboxes being started, then discards every ready one. */
export async function closePrestarted(): Promise<void> {
  const p = pool();
  p.closed = true;
  await Promise.all([...p.starting.values()]);
  const entries = [...p.ready.values()];
  p.ready.clear();
  await Promise.all(entries.map(discard));
}

/** After `closePrestarted`, for tests: prestarting may begin again. */
export function reopenPrestart(): void {
  pool().closed = false;
}
