import { randomUUID } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { processState } from "@/lib/process-state";

/** A cap on how many tasks one command may run at once: a fork bomb stalls at the cap instead of the machine. */
export interface TaskCap {
  /**
   * cgroup v1: the file a process writes `0` to, to move itself into the group before it forks.
   * The kernel moves a thread that moves itself without the hierarchy-wide lock whose RCU grace
   * period makes a join by pid (`join`) cost 10-35 ms; null where only `join` works (v2).
   */
  selfJoinFile: string | null;
  /**
   * Moves a process into the group; it must not fork before this resolves. Slow on cgroup v1
   * (the kernel waits out an RCU grace period), so overlap it with other work.
   */
  join(pid: number): Promise<void>;
  /** SIGKILLs every task left in the group, including ones that escaped the process group. */
  killAll(): Promise<void>;
  /** Removes the group once its zombies are reaped; runs in the background. */
  release(): Promise<void>;
}

export type TaskCapSupport =
  | { kind: "cgroup-v1" | "cgroup-v2"; root: string }
  | { kind: "none"; reason: string };

const V1_ROOT = "/sys/fs/cgroup/pids";
const V2_ROOT = "/sys/fs/cgroup";
const PARENT = "ratchet";

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function ownV2Cgroup(): string | null {
  try {
    const line = readFileSync("/proc/self/cgroup", "utf8")
      .split("\n")
      .find((l) => l.startsWith("0::"));
    return line ? path.join(V2_ROOT, line.slice(3)) : null;
  } catch {
    return null;
  }
}

/** Where per-command pids groups can be created, probed once with a real group. */
function probe(): TaskCapSupport {
  const candidates: Array<{ kind: "cgroup-v1" | "cgroup-v2"; root: string }> = [];
  if (writable(V1_ROOT)) candidates.push({ kind: "cgroup-v1", root: path.join(V1_ROOT, PARENT) });
  const own = ownV2Cgroup();
  if (own && writable(own)) {
    try {
      if (readFileSync(path.join(own, "cgroup.controllers"), "utf8").split(/\s+/).includes("pids"))
        candidates.push({ kind: "cgroup-v2", root: path.join(own, PARENT) });
    } catch {
      // not a v2 hierarchy
    }
  }
  for (const candidate of candidates) {
    const test = path.join(candidate.root, `probe-${process.pid}`);
    try {
      mkdirSync(test, { recursive: true });
      if (candidate.kind === "cgroup-v2")
        writeFileSync(path.join(candidate.root, "cgroup.subtree_control"), "+pids");
      writeFileSync(path.join(test, "pids.max"), "10");
      rmdirSync(test);
      return candidate;
    } catch {
      try {
        rmdirSync(test);
      } catch {
        // nothing was created
      }
    }
  }
  return { kind: "none", reason: "no writable pids cgroup (run as root or with a delegated cgroup)" };
}

/** Probed once per process: cgroup delegation does not change while the server runs. */
export const taskCapSupport = processState("sandbox.taskCap", probe);

async function isZombie(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true; // gone
  }
}

/** Tasks still running in the group; zombies wait for their reaper and hold nothing. */
async function livingTasks(dir: string): Promise<number[]> {
  let pids: number[];
  try {
    // a tiny kernel file: a sync read beats three thread-pool round trips, and it is usually empty
    pids = readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
  const zombie = await Promise.all(pids.map(isZombie));
  return pids.filter((_, i) => !zombie[i]);
}

/** A fresh pids group for one command, or null where the machine offers none. */
export function createTaskCap(maxTasks: number): TaskCap | null {
  const support = taskCapSupport();
  if (support.kind === "none") return null;
  const dir = path.join(support.root, randomUUID());
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "pids.max"), String(maxTasks));
  } catch {
    return null;
  }
  return {
    selfJoinFile: support.kind === "cgroup-v1" ? path.join(dir, "tasks") : null,
    join: (pid) => writeFile(path.join(dir, "cgroup.procs"), String(pid)),
    async killAll() {
      // a fork bomb refills as fast as we kill: loop until nothing in the group runs
      for (let round = 0; round < 50; round++) {
        const pids = await livingTasks(dir);
        if (pids.length === 0) return;
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        await new Promise((resolve) => setTimeout(resolve, round < 10 ? 1 : 10));
      }
    },
    async release() {
      for (let attempt = 0; attempt < 100; attempt++) {
        try {
          await rmdir(dir);
          return;
        } catch (error) {
          const code = error instanceof Error && "code" in error ? error.code : undefined;
          if (code === "ENOENT") return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
  };
}
