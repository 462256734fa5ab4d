import { runIsolated } from "@/lib/sandbox/isolated";

/**
 * git, run by the server over a workspace it does not trust, for the shadow store that records
 * checkpoints. Nothing of the workspace's own git is involved (its `.git` is never the git dir),
 * and nothing of the user's: no system or global config, no home, no hooks, no pager, no external
 * diff or credential helper — git reads only the store's config, which Ratchet writes. It runs
 * isolated (lib/sandbox/isolated.ts): a crafted tree meets git inside a namespace, not the server's
 * rights.
 */
export interface GitRun {
  /** The store's git dir (under the data dir). */
  gitDir: string;
  /** The workspace, when the command reads or writes the working tree. */
  workTree?: string;
  /** May git write the working tree (a restore)? */
  writeWorkTree?: boolean;
  /** The index file: one per session, so sessions in one workspace never wait on each other's lock. */
  index?: string;
  /**
   * Other object folders to read from, read-only: the workspace's own, and for a worktree session's
   * repository the store it borrows from (lib/sandbox/shared-objects.ts).
   */
  alternates?: string | readonly string[];
  /** The git dir is someone else's (the workspace's own repository): read it, never write it. */
  readOnlyGitDir?: boolean;
  /** Other folders git may write (the empty folder a new worktree is made in). */
  writable?: string[];
  /** Other folders git may read (a session repository's objects, brought back to its main one). */
  readable?: string[];
  args: string[];
  /** Instead of one git command: a POSIX shell script of git commands (`args` is then unused). */
  shell?: string;
  /** Variables for the script: values reach it as data, never as shell text. */
  vars?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

const BASE_ENV: Record<string, string> = {
  PATH: "/usr/local/bin:/usr/bin:/bin",
  HOME: "/nonexistent",
  LANG: "C.UTF-8",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_OPTIONAL_LOCKS: "0",
  GIT_AUTHOR_NAME: "Ratchet",
  GIT_AUTHOR_EMAIL: "checkpoints@ratchet.invalid",
  GIT_COMMITTER_NAME: "Ratchet",
  GIT_COMMITTER_EMAIL: "checkpoints@ratchet.invalid",
};

/** Options that hold whatever the store's config says: no hooks, no fsmonitor, no filters' programs. */
const SAFE = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false"];

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? "script"} failed (${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
}

export async function git(run: GitRun): Promise<string> {
  const env: Record<string, string> = { ...BASE_ENV, ...run.vars, GIT_DIR: run.gitDir };
  if (run.workTree) env.GIT_WORK_TREE = run.workTree;
  if (run.index) env.GIT_INDEX_FILE = run.index;
  const alternates = run.alternates === undefined ? [] : [run.alternates].flat();
  if (alternates.length > 0) env.GIT_ALTERNATE_OBJECT_DIRECTORIES = alternates.join(":");
  const writable = [
    ...(run.readOnlyGitDir ? [] : [run.gitDir]),
    ...(run.workTree && run.writeWorkTree ? [run.workTree] : []),
    ...(run.writable ?? []),
  ];
  const readable = [
    ...(run.readOnlyGitDir ? [run.gitDir] : []),
    ...(run.workTree && !run.writeWorkTree ? [run.workTree] : []),
    ...alternates,
    ...(run.readable ?? []),
  ];
  const result = await runIsolated({
    argv: run.shell ? ["/bin/sh", "-c", run.shell] : ["git", ...SAFE, ...run.args],
    cwd: run.workTree ?? run.gitDir,
    writable,
    readable,
    env,
    timeoutMs: run.timeoutMs ?? 120_000,
    ...(run.input !== undefined ? { input: run.input } : {}),
  });
  if (result.code !== 0) throw new GitError(run.args, result.code, result.stderr);
  return result.stdout;
}
