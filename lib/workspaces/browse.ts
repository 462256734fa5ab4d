import { mkdir, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { listRecentWorkspaces } from "@/lib/db/queries/sessions";
import { ApiError } from "@/lib/errors";
import { isInside } from "@/lib/fs/paths";
import { openVerified } from "@/lib/sandbox/verified";
import { findRepo, readHead } from "./git-repo";
import { workingTreeState } from "./git-shadow";
import { checkWorkspace, loadWorkspacePolicy, markedAncestors, type WorkspacePolicy } from "./policy";
import { gitFolderProblem, workspaceProblem } from "./rules";

/**
 * The folder browser of the new-session dialog: the sub-folders of a folder inside the workspace
 * roots, never anything outside them. What is listed is hostile input (a workspace's tree, a
 * `.git` written by agent code): every folder is resolved through its links and checked against
 * the roots and the protected folders before its name, branch or state is shown, and git's state is
 * read without running anything of the repository's (./git-repo.ts, ./git-shadow.ts).
 */
export interface FolderGit {
  /** The branch checked out; null when HEAD is detached. */
  branch: string | null;
  /** Paths `git status` would list; null when it was not worked out (too many repositories, an error). */
  changes: number | null;
  /** A linked worktree of another checkout. */
  worktree: boolean;
}

export interface FolderEntry {
  name: string;
  /** The real path, to browse into or start a session in. */
  path: string;
  /** A dot-folder: shown, marked, not suggested. */
  hidden: boolean;
  /** Reached through a symbolic link (its target is inside the roots, or it is not listed). */
  link: boolean;
  /** Why a session may not work there (a protected folder), or null. */
  problem: string | null;
  git: FolderGit | null;
}

export interface FolderListing {
  /** The folder listed; null for the list of roots. */
  folder: string | null;
  /** Where to go up to; null at a root. */
  parent: string | null;
  roots: string[];
  git: FolderGit | null;
  entries: FolderEntry[];
  /** More sub-folders than are listed. */
  truncated: boolean;
}

/** Sub-folders listed at most; a folder with more shows the first, by name. */
export const MAX_ENTRIES = 500;
/** Repositories whose dirty state is worked out per listing (each runs git isolated). */
const MAX_STATUS_PROBES = 24;
const STATUS_TIMEOUT_MS = 5_000;

type Policy = Pick<WorkspacePolicy, "roots" | "protectedFolders" | "ownDataDir" | "home">;

/** Why a session may not work in a folder the browser shows (as checkWorkspace says), or null. */
async function problemOf(real: string, policy: Policy): Promise<string | null> {
  return workspaceProblem(real, policy, markedAncestors(real, policy.ownDataDir)) ?? gitFolderProblem(real);
}

/**
 * A requested folder as an absolute path: `~`, relative paths and NUL are refused before anything
 * is resolved, so a spelling can never mean a folder other than the one written.
 */
function absoluteRequest(requested: string): string {
  if (requested.includes("\0") || !path.isAbsolute(requested))
    throw new ApiError(
      "bad_request",
      `Give an absolute path inside a workspace root, not ${JSON.stringify(requested)}.`,
    );
  return requested;
}

async function gitOf(folder: string, policy: Policy, probeStatus: boolean): Promise<FolderGit | null> {
  const allowed = (dir: string) => workspaceProblem(dir, policy) === null;
  const repo = await findRepo(folder, allowed).catch(() => null);
  if (!repo) return null;
  const head = await readHead(repo).catch(() => null);
  if (!head) return null;
  let changes: number | null = null;
  if (probeStatus)
    changes = await workingTreeState(repo, head, STATUS_TIMEOUT_MS)
      .then((state) => state.changes)
      .catch(() => null);
  return { branch: head.branch, changes, worktree: repo.linked };
}

async function entryOf(
  parent: string,
  name: string,
  isLink: boolean,
  policy: Policy,
): Promise<FolderEntry | null> {
  const written = path.join(parent, name);
  let real = written;
  if (isLink) {
    const target = await realpath(/*turbopackIgnore: true*/ written).catch(() => null);
    // a link is listed only when it leads to a folder inside the roots; where else it leads is not said
    if (!target || !policy.roots.some((root) => isInside(root, target))) return null;
    const info = await stat(/*turbopackIgnore: true*/ target).catch(() => null);
    if (!info?.isDirectory()) return null;
    real = target;
  }
  return {
    name,
    path: real,
    hidden: name.startsWith("."),
    link: isLink,
    problem: await problemOf(real, policy),
    git: null,
  };
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pooled<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/** The sub-folders of `requested` (a real folder inside the roots), or the roots when none is given. */
export async function listFolders(requested: string | undefined, policy?: Policy): Promise<FolderListing> {
  const rules = policy ?? (await loadWorkspacePolicy());
  if (!requested) {
    const entries = await Promise.all(
      rules.roots.map(async (root) => ({
        name: root,
        path: root,
        hidden: false,
        link: false,
        problem: null,
        git: await gitOf(root, rules, true),
      })),
    );
    return { folder: null, parent: null, roots: rules.roots, git: null, entries, truncated: false };
  }
  const check = await checkWorkspace(absoluteRequest(requested), rules);
  if (!check.ok) throw new ApiError(check.missing ? "not_found" : "bad_request", check.reason);
  const folder = check.folder;
  const dirents = await readdir(/*turbopackIgnore: true*/ folder, { withFileTypes: true });
  const candidates = dirents
    .filter((d) => d.isDirectory() || d.isSymbolicLink())
    .sort((a, b) => a.name.localeCompare(b.name));
  const listed = (
    await Promise.all(
      candidates.slice(0, MAX_ENTRIES).map((d) => entryOf(folder, d.name, d.isSymbolicLink(), rules)),
    )
  ).filter((e): e is FolderEntry => e !== null);
  let probes = MAX_STATUS_PROBES;
  await pooled(
    listed.filter((e) => !e.problem && e.name !== ".git"),
    4,
    async (entry) => {
      entry.git = await gitOf(entry.path, rules, probes-- > 0);
    },
  );
  const atRoot = rules.roots.includes(folder);
  return {
    folder,
    parent: atRoot ? null : path.dirname(folder),
    roots: rules.roots,
    git: await gitOf(folder, rules, true),
    entries: listed,
    truncated: candidates.length > MAX_ENTRIES,
  };
}

/** A new folder's name: one plain path component, not hidden, not an option. */
export function folderNameProblem(name: string): string | null {
  if (!/^[\p{L}\p{N} _.+@-]{1,100}$/u.test(name))
    return "A folder name is 1 to 100 letters, digits, spaces and . _ - + @ (no slash).";
  if (name.startsWith(".") || name.startsWith("-"))
    return "A folder name may not start with a dot or a dash.";
  return null;
}

/**
 * Creates `name` inside `parent` (a folder inside the roots). The parent is opened by descriptor
 * and the folder made through that descriptor, so a parent swapped for a link after the check
 * cannot redirect it; an existing folder of that name is a 409 and nothing changes.
 */
export async function createFolder(parent: string, name: string, policy?: Policy): Promise<string> {
  const rules = policy ?? (await loadWorkspacePolicy());
  const problem = folderNameProblem(name);
  if (problem) throw new ApiError("bad_request", problem);
  const check = await checkWorkspace(absoluteRequest(parent), rules);
  if (!check.ok) throw new ApiError(check.missing ? "not_found" : "bad_request", check.reason);
  const target = path.join(check.folder, name);
  const targetProblem = await problemOf(target, rules);
  if (targetProblem) throw new ApiError("bad_request", `Refused: ${targetProblem}`);
  const opened = await openVerified(check.folder, { exact: true });
  try {
    await mkdir(`/proc/self/fd/${opened.fd}/${name}`, { mode: 0o755 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new ApiError("conflict", `${target} already exists.`);
    throw error;
  } finally {
    await opened.close();
  }
  return target;
}

/** Folders sessions worked in lately that may still be workspaces, newest first. */
export async function recentWorkspaces(policy?: Policy, take = 8): Promise<string[]> {
  const rules = policy ?? (await loadWorkspacePolicy());
  const recent: string[] = [];
  for (const folder of await listRecentWorkspaces(50)) {
    if (recent.length >= take) break;
    const check = await checkWorkspace(folder, rules);
    if (check.ok && !recent.includes(check.folder)) recent.push(check.folder);
  }
  return recent;
}
