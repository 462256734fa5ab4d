import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { git } from "@/lib/checkpoints/git";
import { readInside } from "@/lib/fs/read-inside";
import { sharedObjectsOf } from "@/lib/sandbox";
import type { Head, Repo } from "./git-repo";

/**
 * git run over a repository's working tree with a git dir of Ratchet's own. A repository's config
 * names programs git runs on its own (clean and smudge filters, fsmonitor, hooks, a pager); its
 * working tree and `.git` may have been written by agent code. So the server never lets git read
 * that config: a throwaway git dir holds a config Ratchet writes, HEAD set to the commit read from
 * the repository's files, its objects read through `alternates` (read-only), and copies of its index
 * and excludes. With no filter driver configured, `.gitattributes` naming one runs nothing. git runs
 * isolated besides (lib/checkpoints/git.ts): no network, nothing of the machine but what it is given.
 */
export interface Shadow {
  /** The throwaway git dir (config, HEAD, index). */
  gitDir: string;
  index: string;
  /** The repository's object folder (and the store a worktree session's borrows from), read through alternates. */
  objects: string[];
}

/** The index of a very large repository; a larger one is not copied (the probe gives up). */
const MAX_INDEX_BYTES = 256 * 1024 * 1024;

export async function withShadow<T>(repo: Repo, head: Head, use: (shadow: Shadow) => Promise<T>): Promise<T> {
  const gitDir = await mkdtemp(path.join(os.tmpdir(), "ratchet-git-"));
  try {
    const sha256 = head.commit?.length === 64;
    const excludes = await readInside(repo.commonDir, "info/exclude", 1024 * 1024);
    await writeFile(path.join(gitDir, "exclude"), excludes.kind === "ok" ? excludes.text : "");
    await writeFile(
      path.join(gitDir, "config"),
      [
        "[core]",
        `\trepositoryformatversion = ${sha256 ? 1 : 0}`,
        "\tbare = false",
        "\tautocrlf = false",
        "\tuntrackedCache = false",
        `\texcludesFile = ${path.join(gitDir, "exclude")}`,
        ...(sha256 ? ["[extensions]", "\tobjectformat = sha256"] : []),
        "",
      ].join("\n"),
    );
    // unborn: a branch with no commit yet, so every file reads as new
    await writeFile(path.join(gitDir, "HEAD"), head.commit ? `${head.commit}\n` : "ref: refs/heads/unborn\n");
    await mkdir(path.join(gitDir, "objects"));
    await mkdir(path.join(gitDir, "refs"));
    const index = path.join(gitDir, "index");
    const own = await readInside(repo.gitDir, "index", MAX_INDEX_BYTES);
    if (own.kind === "refused") throw new Error(`the index of ${repo.folder} cannot be read: ${own.reason}`);
    if (own.kind === "ok" && own.truncated) throw new Error(`the index of ${repo.folder} is too large`);
    // readInside decodes text; the index is binary, so it is read again as bytes below
    if (own.kind === "ok") await copyIndex(repo.gitDir, index);
    const shared = await sharedObjectsOf(repo.folder);
    return await use({
      gitDir,
      index,
      objects: [path.join(repo.commonDir, "objects"), ...(shared ? [shared] : [])],
    });
  } finally {
    await rm(gitDir, { recursive: true, force: true });
  }
}

async function copyIndex(gitDir: string, to: string): Promise<void> {
  const { openInside, readOpened } = await import("@/lib/fs/read-inside");
  const opened = await openInside(gitDir, "index");
  if (!opened.ok) throw new Error(opened.reason);
  try {
    const { bytes } = await readOpened(opened.handle, MAX_INDEX_BYTES);
    await writeFile(to, bytes);
  } finally {
    await opened.handle.close().catch(() => {});
  }
}

export interface WorkingTreeState {
  /** Paths git status lists: changed, staged, deleted or untracked (ignored files left out). */
  changes: number;
}

/**
 * What `git status` would say of the working tree, computed with the shadow git dir: how many
 * paths differ from HEAD or the index, untracked ones included. Throws when git cannot tell
 * (objects it cannot reach, a timeout).
 */
export async function workingTreeState(
  repo: Repo,
  head: Head,
  timeoutMs = 10_000,
): Promise<WorkingTreeState> {
  return withShadow(repo, head, async (shadow) => {
    const out = await git({
      gitDir: shadow.gitDir,
      workTree: repo.folder,
      index: shadow.index,
      alternates: shadow.objects,
      args: [
        "status",
        "--porcelain=v1",
        "-z",
        "--no-renames",
        "--ignore-submodules=all",
        "--untracked-files=normal",
      ],
      timeoutMs,
    });
    return { changes: out.split("\0").filter(Boolean).length };
  });
}
