import { lstat, mkdir, mkdtemp, readdir, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GitError, git } from "@/lib/checkpoints/git";
import { ApiError } from "@/lib/errors";
import { readInside } from "@/lib/fs/read-inside";
import { findRepo, isBranchName, resolveRef } from "./git-repo";
import { loadWorkspacePolicy, type WorkspacePolicy } from "./policy";
import { workspaceProblem } from "./rules";

/**
 * A worktree session's branch brought back to the repository it was made from, by the server:
 * the session's repository (./worktree.ts) is the agent's, so everything in its `.git` is hostile
 * input here — its refs, packed-refs, objects, alternates and config.
 *
 * - Only the one branch the session was made for moves, in the main repository, and only with
 *   `update-ref`'s old value (nothing moved it meanwhile): a fast-forward unless a person confirms.
 * - The session's commit is read from its ref file as plain text (no link followed, 40 or 64 hex
 *   digits); its config is never read: git runs with a git dir and config of Ratchet's own.
 * - Objects come over as a pack git writes from the session's own object folder only (`--local`:
 *   what it borrows is left out) and `index-pack --strict` checks into the main object store, where
 *   every object they link to must already exist. git runs isolated with nothing mounted but the
 *   session's objects (read-only), the main object store and the throwaway git dir: an alternates
 *   file the agent pointed at another repository or at `/` reaches nothing, so such objects are
 *   missing and nothing moves.
 */
export interface BranchSync {
  branch: string;
  /** `updated`: the branch in the main repository moved to the session's commit; `up-to-date`: it was there. */
  result: "updated" | "up-to-date";
  /** The main repository's commit before (null: the branch was gone there). */
  from: string | null;
  to: string;
  /** Moved although it was not a fast-forward (a person confirmed). */
  forced: boolean;
}

export interface SyncTarget {
  /** The session's folder (real path), holding its own repository. */
  workspace: string;
  /** The checkout it was made from. */
  worktreeOf: string;
  branch: string;
}

type Policy = Pick<WorkspacePolicy, "roots" | "protectedFolders" | "ownDataDir" | "home">;

/** Sessions whose worktree predates session repositories: `.git` is a file pointing into the main `.git`. */
const OLD_SESSION =
  "This session's worktree was made before worktree sessions had a repository of their own: its git lives in the main checkout's .git, out of the agent's reach. Commit on its branch in the main checkout, or start a new worktree session.";

async function plainFolder(dir: string): Promise<boolean> {
  const info = await lstat(/*turbopackIgnore: true*/ dir).catch(() => null);
  return (
    info?.isDirectory() === true && (await realpath(/*turbopackIgnore: true*/ dir).catch(() => null)) === dir
  );
}

/** Does the session's folder hold a repository of its own (not an older session's `.git` file)? */
export async function hasOwnRepository(workspace: string): Promise<boolean> {
  return plainFolder(path.join(workspace, ".git"));
}

/** Is `branch` checked out in the main checkout or one of its linked worktrees? Its files would then go stale. */
async function checkedOut(commonDir: string, gitDir: string, branch: string): Promise<boolean> {
  const heads = [gitDir, commonDir];
  const linked = await readdir(/*turbopackIgnore: true*/ path.join(commonDir, "worktrees")).catch(() => []);
  for (const name of linked) heads.push(path.join(commonDir, "worktrees", name));
  for (const dir of new Set(heads)) {
    const head = await readInside(dir, "HEAD", 1024);
    if (head.kind === "ok" && head.text.trim() === `ref: refs/heads/${branch}`) return true;
  }
  return false;
}

/**
 * Brings the session's branch to the main repository: 409 when it is not a fast-forward (unless
 * `force`), when the branch is checked out there, or when the session has no repository of its own;
 * 400 when the session's objects are missing or broken (nothing is changed then).
 */
export async function syncBranch(
  target: SyncTarget,
  opts: { force?: boolean; policy?: Policy } = {},
): Promise<BranchSync> {
  const { workspace, branch } = target;
  if (!isBranchName(branch)) throw new ApiError("bad_request", `"${branch}" is not a branch Ratchet syncs.`);
  const own = path.join(workspace, ".git");
  const ownInfo = await lstat(/*turbopackIgnore: true*/ own).catch(() => null);
  if (ownInfo?.isFile()) throw new ApiError("conflict", OLD_SESSION);
  if (!(await plainFolder(own)))
    throw new ApiError(
      "conflict",
      `${own} is not the session's repository (missing, or a link); nothing was synced.`,
    );
  const ownObjects = path.join(own, "objects");
  if (!(await plainFolder(ownObjects)))
    throw new ApiError("conflict", `${ownObjects} is not a plain folder (a link?); nothing was synced.`);

  const rules = opts.policy ?? (await loadWorkspacePolicy());
  const main = await findRepo(target.worktreeOf, (dir) => workspaceProblem(dir, rules) === null);
  if (!main)
    throw new ApiError("bad_request", `${target.worktreeOf} is no longer a git repository Ratchet can read.`);
  const mainObjects = path.join(main.commonDir, "objects");
  if (!(await plainFolder(mainObjects)))
    throw new ApiError("bad_request", `${mainObjects} is not a plain folder (a link?); nothing was synced.`);

  const ref = `refs/heads/${branch}`;
  const to = await resolveRef(own, ref);
  if (!to)
    throw new ApiError(
      "conflict",
      `The session's repository has no commit on ${branch} (or its ref cannot be read as a plain file); nothing was synced.`,
    );
  const from = await resolveRef(main.commonDir, ref);
  if (from === to) return { branch, result: "up-to-date", from, to, forced: false };
  if (await checkedOut(main.commonDir, main.gitDir, branch))
    throw new ApiError(
      "conflict",
      `${branch} is checked out in ${target.worktreeOf} (or one of its worktrees); its files would no longer match. Switch that checkout to another branch first.`,
    );

  const shadow = await mkdtemp(path.join(os.tmpdir(), "ratchet-sync-"));
  try {
    const sha256 = to.length === 64;
    await writeFile(
      path.join(shadow, "config"),
      `[core]\n\trepositoryformatversion = ${sha256 ? 1 : 0}\n\tbare = true\n${sha256 ? "[extensions]\n\tobjectformat = sha256\n" : ""}`,
    );
    await writeFile(path.join(shadow, "HEAD"), "ref: refs/heads/unborn\n");
    // what makes a folder a git dir to git; the objects it uses are named by GIT_OBJECT_DIRECTORY
    await mkdir(path.join(shadow, "refs"));
    await mkdir(path.join(shadow, "objects"));
    const session = {
      gitDir: shadow,
      vars: { GIT_OBJECT_DIRECTORY: ownObjects },
      readable: [ownObjects],
      alternates: mainObjects,
    };
    try {
      await git({ ...session, args: ["cat-file", "-e", `${to}^{commit}`], timeoutMs: 30_000 });
    } catch {
      throw new ApiError(
        "bad_request",
        `The session's ${branch} points at ${to}, which is no commit it holds; nothing was synced.`,
      );
    }
    const fastForward =
      from === null ||
      (await git({ ...session, args: ["merge-base", "--is-ancestor", from, to], timeoutMs: 60_000 }).then(
        () => true,
        (error: unknown) => {
          if (error instanceof GitError && error.code === 1) return false;
          throw new ApiError(
            "bad_request",
            `The session's history cannot be read: ${(error as Error).message}`,
          );
        },
      ));
    if (!fastForward && !opts.force)
      throw new ApiError(
        "conflict",
        `${branch} in ${target.worktreeOf} has commits the session's branch does not (it is not a fast-forward); nothing was synced. Confirm to replace it with the session's branch.`,
      );
    try {
      await git({
        gitDir: shadow,
        readable: [ownObjects],
        writable: [mainObjects],
        vars: { OWN: ownObjects, MAIN: mainObjects, TO: to },
        shell: [
          "set -e",
          'GIT_OBJECT_DIRECTORY="$OWN" GIT_ALTERNATE_OBJECT_DIRECTORIES="$MAIN" git -c core.hooksPath=/dev/null pack-objects --revs --local --stdout -q > "$GIT_DIR/incoming.pack"',
          'GIT_OBJECT_DIRECTORY="$MAIN" git -c core.hooksPath=/dev/null index-pack --strict --stdin < "$GIT_DIR/incoming.pack" > /dev/null',
          'GIT_OBJECT_DIRECTORY="$MAIN" git -c core.hooksPath=/dev/null cat-file -e "$TO^{commit}"',
        ].join("\n"),
        args: ["pack-objects"],
        input: `${to}\n${from ? `^${from}\n` : ""}`,
        timeoutMs: 300_000,
      });
    } catch (error) {
      throw new ApiError(
        "bad_request",
        `The session's objects could not be brought over (missing or broken objects?); nothing was synced. ${(error as Error).message}`,
      );
    }
    try {
      await git({
        gitDir: main.commonDir,
        args: ["update-ref", "-m", "ratchet: branch of a worktree session", ref, to, from ?? ""],
        timeoutMs: 60_000,
      });
    } catch (error) {
      throw new ApiError(
        "conflict",
        // the objects may be in the main store by now: unreferenced, as after any fetch that moved nothing
        `${branch} moved in ${target.worktreeOf} meanwhile; it was not changed. ${(error as Error).message}`,
      );
    }
    return { branch, result: "updated", from, to, forced: !fastForward };
  } finally {
    await rm(shadow, { recursive: true, force: true });
  }
}
