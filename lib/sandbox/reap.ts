import { readdir, readFile } from "node:fs/promises";

export const MARKER_VAR = "RATCHET_PROC";

export interface SpawnRecord {
  pgid: number;
  marker: string;
}

interface ProcInfo {
  pid: number;
  pgid: number;
  zombie: boolean;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

/** Sends `signal` to the whole group; false when nothing was signalled. Never throws. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  // -0 would be our own group and -1 every process we may signal
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Includes zombies and groups we may not signal. */
export function groupExists(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

async function readProc(pid: number): Promise<ProcInfo | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // comm (field 2) may contain spaces and parentheses; the fixed fields follow the last ")"
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, pgid: Number(fields[2]), zombie: fields[0] === "Z" };
  } catch {
    return null;
  }
}

async function listProcesses(): Promise<ProcInfo[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const infos = await Promise.all(pids.map(readProc));
  return infos.filter((info): info is ProcInfo => info !== null);
}

async function livingMembers(pgid: number, all?: ProcInfo[]): Promise<number[]> {
  const processes = all ?? (await listProcesses());
  return processes.filter((p) => p.pgid === pgid && !p.zombie).map((p) => p.pid);
}

/**
 * True while a non-zombie process is in the group. `kill(-pgid, 0)` alone also counts zombies,
 * which linger until PID 1 reaps them (seconds, or never without an init process).
 */
export async function isGroupAlive(pgid: number): Promise<boolean> {
  if (!groupExists(pgid)) return false;
  try {
    return (await livingMembers(pgid)).length > 0;
  } catch {
    return true; // no /proc: trust kill()
  }
}

async function carriesMarker(pid: number, marker: string): Promise<boolean> {
  try {
    const environ = await readFile(`/proc/${pid}/environ`, "utf8");
    return environ.split("\0").includes(`${MARKER_VAR}=${marker}`);
  } catch {
    return false;
  }
}

async function ownedByUs(pids: number[], marker: string): Promise<boolean> {
  const checks = await Promise.all(pids.map((pid) => carriesMarker(pid, marker)));
  return checks.includes(true);
}

/** SIGKILLs every recorded group that still has a member started by us; returns how many. */
export async function reapOrphans(records: SpawnRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const all = await listProcesses();
  let killed = 0;
  for (const { pgid, marker } of records) {
    if (marker.length === 0) continue;
    const members = await livingMembers(pgid, all);
    // a server started by runProcess inherits a marker; it must never reap its own group
    if (members.length === 0 || members.includes(process.pid)) continue;
    if (!(await ownedByUs(members, marker))) continue;
    if (signalGroup(pgid, "SIGKILL")) killed++;
  }
  return killed;
}
