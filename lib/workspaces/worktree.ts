import { lstat, mkdir, realpath, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { git } from "@/lib/checkpoints/git";
import { ApiError } from "@/lib/errors";
import { isInside } from "@/lib/fs/paths";
import { recordSharedObjects } from "@/lib/sandbox";
import { findRepo, isBranchName, readHead, resolveRef } from "./git-repo";
import { checkWorkspace, loadWorkspacePolicy, type WorkspacePolicy } from "./policy";
import { workspaceProblem } from "./rules";

/**
 * A session on a new branch, in a folder of its own, so that parallel sessions never edit the same
 * files. The server makes it, not an agent command: making it writes into the repository's `.git`,
 * which the workspace guard keeps away from agent code.
 *
 * The folder holds a repository of its own (`<folder>/.git`, a real folder, not a `.git` file
 * pointing into the main checkout's `.git/worktrees/`): its config is Ratchet's, its objects are
 * borrowed from the repository it was made from through `objects/info/alternates`, and its commands
 * get that object store mounted read-only at its own path (lib/sandbox/shared-objects.ts). So the
 * agent's `git add -A`, `commit`, `branch`, `log` work inside the sandbox, and every write of its
 * git lands in the session's own `.git`: no other branch, hook, config or object of the main
 * repository is within its reach. The branch comes back to the main repository through the server
 * (./branch-sync.ts), fast-forward only unless a person confirms.
 *
 * The main repository is hostile input too (its config and `.gitattributes` may have been written
 * by agent code): git never runs anything of it. The server creates the branch there with
 * `update-ref` (hooks off), and checks the files out with the new repository's own config, where no
 * filter driver exists. Every git runs isolated (lib/sandbox/isolated.ts).
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
    await makeSessionRepo(repo.commonDir, folder, branch, head.commit);
  } catch (error) {
    await rm(/*turbopackIgnore: true*/ folder, { recursive: true, force: true }).catch(() => {});
    if (error instanceof ApiError) throw error;
    throw new ApiError("bad_request", `git could not make the worktree: ${(error as Error).message}`);
  }
  return { folder, of: check.folder, branch };
}

/** The config of a session's repository: only keys git reads as data (the workspace guard's inert ones). */
function sessionConfig(sha256: boolean): string {
  return [
    "[core]",
    `\trepositoryformatversion = ${sha256 ? 1 : 0}`,
    "\tfilemode = true",
    "\tbare = false",
    "\tlogallrefupdates = true",
    ...(sha256 ? ["[extensions]", "\tobjectformat = sha256"] : []),
    "",
  ].join("\n");
}

/**
 * The branch in the main repository (created only if absent: `update-ref` with an empty old
 * value), then the session's repository in `folder`, borrowing the main repository's objects, with
 * the branch checked out. On failure the branch made here is removed again.
 */
async function makeSessionRepo(commonDir: string, folder: string, branch: string, commit: string) {
  const objects = path.join(commonDir, "objects");
  if ((await realpath(/*turbopackIgnore: true*/ objects).catch(() => null)) !== objects)
    throw new ApiError(
      "bad_request",
      `${objects} is not a plain folder (a link?); no worktree is made from it.`,
    );
  const ref = `refs/heads/${branch}`;
  try {
    await git({ gitDir: commonDir, args: ["update-ref", ref, commit, ""], timeoutMs: 60_000 });
  } catch (error) {
    throw new ApiError("conflict", `The branch ${branch} could not be created: ${(error as Error).message}`);
  }
  try {
    const gitDir = path.join(folder, ".git");
    for (const dir of ["", "objects/info", "objects/pack", "refs/heads", "refs/tags", "info"])
      await mkdir(/*turbopackIgnore: true*/ path.join(gitDir, dir), { recursive: true, mode: 0o755 });
    await writeFile(
      /*turbopackIgnore: true*/ path.join(gitDir, "config"),
      sessionConfig(commit.length === 64),
    );
    await writeFile(/*turbopackIgnore: true*/ path.join(gitDir, "HEAD"), `ref: ${ref}\n`);
    await writeFile(/*turbopackIgnore: true*/ path.join(gitDir, "objects/info/alternates"), `${objects}\n`);
    await recordSharedObjects(folder, objects);
    const run = { gitDir, workTree: folder, writeWorkTree: true, alternates: objects, timeoutMs: 120_000 };
    await git({ ...run, args: ["update-ref", ref, commit] });
    await git({ ...run, args: ["read-tree", commit] });
    await git({ ...run, args: ["checkout-index", "--all", "--force"] });
  } catch (error) {
    await git({ gitDir: commonDir, args: ["update-ref", "-d", ref, commit], timeoutMs: 60_000 }).catch(
      () => {},
    );
    throw error;
  }
}
