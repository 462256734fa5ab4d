import { constants } from "node:fs";
import { lstat, mkdir, open, readFile, realpath, rmdir } from "node:fs/promises";
import path from "node:path";
import { git } from "@/lib/checkpoints/git";
import { ApiError } from "@/lib/errors";
import { isInside } from "@/lib/fs/paths";
import { findRepo, isBranchName, readHead, resolveRef } from "./git-repo";
import { withShadow } from "./git-shadow";
import { checkWorkspace, loadWorkspacePolicy, type WorkspacePolicy } from "./policy";
import { workspaceProblem } from "./rules";

/**
 * A session on a new branch in a git worktree of a picked repository, so that parallel sessions
 * never edit the same files. The server makes it, not an agent command: the workspace guard keeps
 * agent code away from `.git/config` and the hooks, and making a worktree writes into `.git`.
 *
 * The repository is hostile input (its config and `.gitattributes` may have been written by agent
 * code), so git never runs anything of it: `git worktree add --no-checkout` reads the repository
 * but checks nothing out (no filters, hooks off, fsmonitor off), and the files are checked out by
 * git run with a git dir of Ratchet's own (./git-shadow.ts), where no filter driver exists. Both
 * run isolated (lib/sandbox/isolated.ts).
 */
export const WORKTREES_FOLDER = ".ratchet-worktrees";

export interface Worktree {
  /** The new working tree: `<root>/.ratchet-worktrees/<repository>--<branch>`. */
  folder: string;
  /** The checkout it was made from. */
  of: string;
  branch: string;
}

type Policy = Pick<WorkspacePolicy, "roots" | "protectedFolders" | "ownDataDir" | "home">;

/** A folder name from a branch: `feature/x` → `feature-x`. */
function slug(branch: string): string {
  return branch.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "");
}

/** The index git wrote in the shadow, put where the new worktree's git dir keeps its own. */
async function placeIndex(from: string, gitDir: string): Promise<void> {
  // the git dir is the one findRepo resolved; a component swapped for a link since is refused
  if ((await realpath(/*turbopackIgnore: true*/ gitDir)) !== gitDir)
    throw new Error(`${gitDir} changed while the worktree was made`);
  const bytes = await readFile(/*turbopackIgnore: true*/ from);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(/*turbopackIgnore: true*/ path.join(gitDir, "index"), flags, 0o644);
  try {
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
}

/**
 * Makes a worktree of the repository at `requested` (a folder that may be a workspace) on the new
 * branch `branch`, starting at what is checked out there. 400 when it is no repository, the
 * branch name is not one Ratchet makes, or there is no commit yet; 409 when the branch or the
 * worktree folder exists. The checkout it was made from is not changed.
 */
export async function createWorktree(requested: string, branch: string, policy?: Policy): Promise<Worktree> {
  const rules = policy ?? (await loadWorkspacePolicy());
  if (!isBranchName(branch))
    throw new ApiError(
      "bad_request",
      `"${branch}" is not a branch name Ratchet creates: letters, digits and . _ / -, no "..", no part starting with . or -.`,
    );
  const check = await checkWorkspace(requested, rules);
  if (!check.ok) throw new ApiError(check.missing ? "unprocessable" : "bad_request", check.reason);
  const allowed = (dir: string) => workspaceProblem(dir, rules) === null;
  const repo = await findRepo(check.folder, allowed);
  if (!repo) throw new ApiError("bad_request", `${check.folder} is not a git repository Ratchet can read.`);
  const head = await readHead(repo);
  if (!head?.commit)
    throw new ApiError("bad_request", `${check.folder} has no commit to start a branch from.`);
  if (await resolveRef(repo.commonDir, `refs/heads/${branch}`))
    throw new ApiError("conflict", `The branch ${branch} exists already in ${check.folder}.`);

  const root = rules.roots.find((r) => isInside(r, check.folder));
  if (!root) throw new ApiError("bad_request", `${check.folder} is outside the workspace roots.`);
  const parent = path.join(root, WORKTREES_FOLDER);
  await mkdir(/*turbopackIgnore: true*/ parent, { recursive: true, mode: 0o755 });
  const info = await lstat(/*turbopackIgnore: true*/ parent);
  if (!info.isDirectory() || (await realpath(/*turbopackIgnore: true*/ parent)) !== parent)
    throw new ApiError(
      "bad_request",
      `${parent} is not a plain folder (a link?); worktrees are not made there.`,
    );
  const folder = path.join(parent, `${path.basename(check.folder)}--${slug(branch)}`);
  try {
    await mkdir(/*turbopackIgnore: true*/ folder, { mode: 0o755 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new ApiError("conflict", `${folder} exists already; pick another branch name.`);
    throw error;
  }

  try {
    await git({
      gitDir: repo.gitDir,
      writable: [repo.commonDir, folder],
      args: ["worktree", "add", "--no-checkout", "-b", branch, folder, head.commit],
      timeoutMs: 60_000,
    });
  } catch (error) {
    await rmdir(/*turbopackIgnore: true*/ folder).catch(() => {});
    throw new ApiError("bad_request", `git could not make the worktree: ${(error as Error).message}`);
  }
  const made = await findRepo(folder, allowed);
  if (!made?.linked) throw new ApiError("internal", `The worktree in ${folder} cannot be read back.`);
  await withShadow(repo, { branch: null, commit: head.commit }, async (shadow) => {
    const run = {
      gitDir: shadow.gitDir,
      workTree: folder,
      writeWorkTree: true,
      index: shadow.index,
      alternates: shadow.objects,
      timeoutMs: 120_000,
    };
    await git({ ...run, args: ["read-tree", head.commit ?? ""] });
    await git({ ...run, args: ["checkout-index", "--all", "--force"] });
    await placeIndex(shadow.index, made.gitDir);
  });
  return { folder, of: check.folder, branch };
}
