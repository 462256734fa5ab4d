import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { readInside } from "@/lib/fs/read-inside";

/**
 * A folder's git repository as the server finds it without running anything of it: `.git` and the
 * few files that say where the repository is and what is checked out are read as plain files (never
 * through a link, lib/fs/read-inside.ts), and every place they point to must pass `allowed` (the
 * workspace roots) before anything there is read. A workspace is hostile input: a crafted `.git`
 * file may point anywhere.
 */
export interface Repo {
  /** The folder whose `.git` this is (its working tree). */
  folder: string;
  /** The git dir: `<folder>/.git`, or for a linked worktree `<common>/worktrees/<name>`. */
  gitDir: string;
  /** Where objects, refs and the config live: the git dir itself, or the main checkout's `.git`. */
  commonDir: string;
  /** A linked worktree (`.git` is a file naming its git dir). */
  linked: boolean;
}

export interface Head {
  /** The branch checked out (`main`, `feature/x`); null when HEAD is detached. */
  branch: string | null;
  /** The commit HEAD is at; null on a branch without commits yet (or a ref Ratchet cannot read). */
  commit: string | null;
}

const HEX = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Branch names Ratchet shows and creates: git's own rules (check-ref-format), narrowed to plain
 * characters, and never starting with `-` (it would read as an option).
 */
export function isBranchName(name: string): boolean {
  if (!/^[A-Za-z0-9._/-]{1,200}$/.test(name) || name.includes("..")) return false;
  return name
    .split("/")
    .every((part) => part !== "" && !/^[.-]/.test(part) && !part.endsWith(".") && !part.endsWith(".lock"));
}

/** A path a `.git` file or `commondir` names, resolved against the folder it sits in, through links. */
async function resolvePointer(text: string, base: string): Promise<string | null> {
  const target = text.trim();
  if (!target || target.includes("\0") || target.includes("\n")) return null;
  try {
    return await realpath(/*turbopackIgnore: true*/ path.resolve(base, target));
  } catch {
    return null;
  }
}

/**
 * The repository of `folder` (a real path), or null when it is none or points somewhere `allowed`
 * refuses. A `.git` that is a link is no repository here: git would follow it anywhere.
 */
export async function findRepo(folder: string, allowed: (dir: string) => boolean): Promise<Repo | null> {
  const dotGit = path.join(folder, ".git");
  const info = await lstat(/*turbopackIgnore: true*/ dotGit).catch(() => null);
  if (!info) return null;
  if (info.isDirectory()) {
    const real = await realpath(/*turbopackIgnore: true*/ dotGit).catch(() => null);
    // a folder on the way swapped for a link since `folder` was resolved
    if (real !== dotGit) return null;
    return { folder, gitDir: dotGit, commonDir: dotGit, linked: false };
  }
  if (!info.isFile()) return null;
  const pointer = await readInside(folder, ".git", 4096);
  if (pointer.kind !== "ok") return null;
  const match = /^gitdir: (.+)$/m.exec(pointer.text);
  const gitDir = match?.[1] ? await resolvePointer(match[1], folder) : null;
  if (!gitDir || !allowed(gitDir)) return null;
  const common = await readInside(gitDir, "commondir", 4096);
  const commonDir = common.kind === "ok" ? await resolvePointer(common.text, gitDir) : gitDir;
  if (!commonDir || !allowed(commonDir)) return null;
  return { folder, gitDir, commonDir, linked: commonDir !== gitDir };
}

/** A ref's commit from its loose file or `packed-refs`, read as plain files; null when neither has it. */
export async function resolveRef(commonDir: string, ref: string): Promise<string | null> {
  const loose = await readInside(commonDir, ref, 256);
  if (loose.kind === "ok") {
    const value = loose.text.trim();
    return HEX.test(value) ? value : null;
  }
  const packed = await readInside(commonDir, "packed-refs", 64 * 1024 * 1024);
  if (packed.kind !== "ok") return null;
  for (const line of packed.text.split("\n")) {
    const [hash, name] = line.trim().split(" ");
    if (name === ref && hash && HEX.test(hash)) return hash;
  }
  return null;
}

/** What HEAD says: the branch and its commit, or a detached commit. Null when HEAD cannot be read. */
export async function readHead(repo: Repo): Promise<Head | null> {
  const head = await readInside(repo.gitDir, "HEAD", 1024);
  if (head.kind !== "ok") return null;
  const text = head.text.trim();
  if (HEX.test(text)) return { branch: null, commit: text };
  const ref = /^ref: (refs\/heads\/(.+))$/.exec(text);
  if (!ref?.[1] || !ref[2] || !isBranchName(ref[2])) return null;
  return { branch: ref[2], commit: await resolveRef(repo.commonDir, ref[1]) };
}
