import { spawn } from "node:child_process";
import { bwrapArguments, type TaskMount } from "./filesystem-view";
import { readyRuntime, sandboxStatus } from "./sandbox-runtime";
import { openVerified } from "./verified";

/**
 * A program the server itself runs over agent-controlled files (git over a workspace, to record
 * and restore checkpoints). A hostile workspace is input to such a program too: a crafted tree can
 * aim at the program's bugs, and a folder swapped for a link can aim its writes elsewhere. So it
 * runs in the same kind of namespace as a command: system folders read-only, the folders it is
 * given (bound by verified descriptor), no network, no home, nothing else of the machine.
 */
export interface IsolatedRun {
  argv: [string, ...string[]];
  cwd: string;
  /** Folders it may write (a workspace being restored, the checkpoint store). */
  writable: string[];
  readable?: string[];
  /** The whole environment of the program. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Bytes of stdout kept; more is an error. */
  maxBytes?: number;
  input?: string;
}

export interface IsolatedResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** First passed descriptor: 0–2 are stdio. */
const FIRST_FD = 3;

interface Prepared {
  file: string;
  args: string[];
  fds: number[];
  release(): Promise<void>;
}

async function prepare(run: IsolatedRun): Promise<Prepared> {
  const runtime = readyRuntime();
  if (!runtime) {
    // sandbox off on purpose: the program runs as the server does, with the environment given
    if (sandboxStatus().mode !== "off") throw new Error(sandboxStatus().reason ?? "sandbox unavailable");
    return { file: run.argv[0], args: run.argv.slice(1), fds: [], release: async () => {} };
  }
  const opened: Awaited<ReturnType<typeof openVerified>>[] = [];
  try {
    for (const dir of [...run.writable, ...(run.readable ?? [])])
      opened.push(await openVerified(dir, { exact: true }));
  } catch (error) {
    for (const o of opened) await o.close();
    throw error;
  }
  const mounts: TaskMount[] = [
    { kind: "tmpfs", path: runtime.layout.home },
    ...opened.map((o, i) => ({
      kind: i < run.writable.length ? ("rw-fd" as const) : ("ro-fd" as const),
      fd: FIRST_FD + i,
      path: o.real,
    })),
  ];
  const args = bwrapArguments({
    layout: { ...runtime.layout, toolchains: [] },
    mounts,
    proxySocket: null,
    cwd: run.cwd,
    tmpBytes: 64 * 1024 * 1024,
    empty: { file: `${runtime.runDir}/empty-file`, dir: `${runtime.runDir}/empty-dir` },
  });
  return {
    file: "bwrap",
    args: [...args, "--", ...run.argv],
    fds: opened.map((o) => o.fd),
    release: async () => {
      for (const o of opened) await o.close().catch(() => {});
    },
  };
}

export async function runIsolated(run: IsolatedRun): Promise<IsolatedResult> {
  const prepared = await prepare(run);
  const limit = run.maxBytes ?? 64 * 1024 * 1024;
  try {
    return await new Promise<IsolatedResult>((resolve, reject) => {
      const child = spawn(prepared.file, prepared.args, {
        cwd: run.cwd,
        // cast: Next.js declares NODE_ENV required on ProcessEnv; a child env need not carry it
        env: run.env as NodeJS.ProcessEnv,
        stdio: ["pipe", "pipe", "pipe", ...prepared.fds],
      });
      void prepared.release();
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => child.kill("SIGKILL"), run.timeoutMs);
      child.stdout?.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) child.kill("SIGKILL");
        else out.push(chunk);
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        if (err.reduce((n, b) => n + b.length, 0) < 64 * 1024) err.push(chunk);
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`${run.argv[0]} could not start: ${error.message}`));
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        if (signal) {
          reject(
            new Error(`${run.argv[0]} was stopped (${size > limit ? "output too large" : "timed out"})`),
          );
          return;
        }
        resolve({
          code: code ?? 1,
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
        });
      });
      child.stdin?.on("error", () => {});
      child.stdin?.end(run.input ?? "");
    });
  } finally {
    await prepared.release();
  }
}
