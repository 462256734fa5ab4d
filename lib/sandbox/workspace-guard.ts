import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { cp, lstat, mkdir, open, readdir, readlink, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/**
 * Names in a workspace that make code run later, outside the sandbox: git hooks and config (run by
 * the user's own `git`), a `.git` that is a link or a file (it would point git at a directory the
 * agent filled), shell start-up files, direnv, editor and agent configs that start tasks or MCP
 * servers when the folder is opened.
 *
 * What exists before a command is mounted read-only for it (nothing placed where nothing was: no
 * placeholder shows up in `ls`, `git status` or a tool walking the tree). What a command creates
 * or swaps in anyway (by renaming a parent, say) is found right after it ends: moved to a
 * quarantine folder outside the workspace, the earlier version put back, and reported. Only what
 * `git init` itself creates stays: a real `.git` directory, sample hooks and a config whose every
 * key is inert.
 */
const run = promisify(execFile);

type Rule = "git-dir" | "git-config" | "git-hooks" | "gitmodules" | "quarantine";

const PROTECTED: readonly { rel: string; rule: Rule }[] = [
  { rel: ".git", rule: "git-dir" },
  { rel: ".git/config", rule: "git-config" },
  { rel: ".git/config.worktree", rule: "quarantine" },
  { rel: ".git/commondir", rule: "quarantine" },
  { rel: ".git/hooks", rule: "git-hooks" },
  { rel: ".git/modules", rule: "quarantine" },
  { rel: ".gitmodules", rule: "gitmodules" },
  { rel: ".gitconfig", rule: "quarantine" },
  { rel: ".bashrc", rule: "quarantine" },
  { rel: ".bash_profile", rule: "quarantine" },
  { rel: ".bash_login", rule: "quarantine" },
  { rel: ".profile", rule: "quarantine" },
  { rel: ".zshrc", rule: "quarantine" },
  { rel: ".zshenv", rule: "quarantine" },
  { rel: ".zprofile", rule: "quarantine" },
  { rel: ".envrc", rule: "quarantine" },
  { rel: ".ripgreprc", rule: "quarantine" },
  { rel: ".mcp.json", rule: "quarantine" },
  { rel: ".vscode", rule: "quarantine" },
  { rel: ".idea", rule: "quarantine" },
  { rel: ".claude", rule: "quarantine" },
  { rel: ".cursor", rule: "quarantine" },
  // another instance's data dir marker: planted in a workspace, it would lock that folder out
  { rel: ".ratchet-data-dir", rule: "quarantine" },
];

export const PROTECTED_NAMES: readonly string[] = PROTECTED.map((p) => p.rel);

/** Bounds on what a snapshot keeps to put a swapped entry back. */
const MAX_SAVED_BYTES = 1024 * 1024;
const MAX_ENTRIES = 500;

type Kind = "absent" | "file" | "dir" | "link" | "other";

interface EntryState {
  rel: string;
  kind: Kind;
  /** Identity and content: equal digests mean nothing changed. */
  digest: string;
  /** Files under the entry (the entry itself for a file), to restore it; null when too large. */
  saved: Map<string, Buffer> | null;
}

export interface GuardSnapshot {
  workspace: string;
  entries: EntryState[];
}

function kindOf(stats: Stats): Kind {
  if (stats.isSymbolicLink()) return "link";
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "dir";
  return "other";
}

async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await lstat(file);
  } catch {
    return null;
  }
}

/** A regular file's bytes, never through a link and never blocking on a FIFO. */
async function readNoFollow(file: string, limit: number): Promise<Buffer | null> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > limit) return null;
    return await handle.readFile();
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

async function describeEntry(workspace: string, rel: string): Promise<EntryState> {
  const full = path.join(workspace, rel);
  // a protected name under a linked `.git` is not in the workspace at all: the link itself is the finding
  const parent = path.dirname(rel);
  if (parent !== "." && (await lstatOrNull(path.join(workspace, parent)))?.isDirectory() !== true)
    return { rel, kind: "absent", digest: "absent", saved: new Map() };
  const stats = await lstatOrNull(full);
  if (!stats) return { rel, kind: "absent", digest: "absent", saved: new Map() };
  const kind = kindOf(stats);
  const hash = createHash("sha256").update(`${kind}\0${stats.ino}\0`);
  const saved = new Map<string, Buffer>();
  let budget = MAX_SAVED_BYTES;
  let complete = true;
  if (kind === "link") hash.update(await readlink(full).catch(() => ""));
  if (kind === "file") {
    const bytes = await readNoFollow(full, budget);
    if (bytes) saved.set("", bytes);
    else complete = false;
    hash.update(bytes ?? `${stats.size}\0${stats.mtimeMs}`);
  }
  if (kind === "dir" && rel !== ".git") {
    const files = await readdir(full, { recursive: true, withFileTypes: true }).catch(() => []);
    const sorted = files
      .map((f) => path.relative(full, path.join(f.parentPath, f.name)))
      .sort()
      .slice(0, MAX_ENTRIES);
    if (files.length > MAX_ENTRIES) complete = false;
    for (const name of sorted) {
      const inner = await lstatOrNull(path.join(full, name));
      if (!inner) continue;
      hash.update(`${name}\0${kindOf(inner)}\0${inner.ino}\0`);
      if (!inner.isFile()) continue;
      const bytes = budget > 0 ? await readNoFollow(path.join(full, name), budget) : null;
      if (bytes) {
        saved.set(name, bytes);
        budget -= bytes.length;
      } else complete = false;
      hash.update(bytes ?? `${inner.size}\0${inner.mtimeMs}`);
    }
  }
  return { rel, kind, digest: hash.digest("hex"), saved: complete ? saved : null };
}

/** Reads the protected names of a workspace before a command runs. */
export async function snapshotWorkspace(workspace: string): Promise<GuardSnapshot> {
  return { workspace, entries: await Promise.all(PROTECTED.map((p) => describeEntry(workspace, p.rel))) };
}

export interface ReadOnlyMount {
  /** An open descriptor of the entry, verified to be that very path (no link on the way). */
  fd: number;
  path: string;
  close(): Promise<void>;
}

/**
 * Opens every existing protected entry for a read-only bind. The descriptor is checked to be the
 * path it was opened by (`/proc/self/fd`), so a link swapped in on the way binds nothing.
 */
export async function openReadOnlyMounts(snapshot: GuardSnapshot): Promise<ReadOnlyMount[]> {
  const mounts: ReadOnlyMount[] = [];
  for (const entry of snapshot.entries) {
    if ((entry.kind !== "file" && entry.kind !== "dir") || entry.rel === ".git") continue;
    const full = path.join(snapshot.workspace, entry.rel);
    const flags =
      constants.O_RDONLY |
      constants.O_NOFOLLOW |
      constants.O_NONBLOCK |
      (entry.kind === "dir" ? constants.O_DIRECTORY : 0);
    try {
      const handle = await open(full, flags);
      const real = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => "");
      const stats = await handle.stat();
      if (real !== full || kindOf(stats) !== entry.kind) {
        await handle.close();
        continue;
      }
      mounts.push({ fd: handle.fd, path: full, close: () => handle.close() });
    } catch {
      // vanished meanwhile: the check after the command sees it
    }
  }
  return mounts;
}

const INERT_GIT_KEYS: readonly RegExp[] = [
  /^core\.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks|autocrlf|eol|safecrlf|quotepath)$/,
  /^(init\.defaultbranch|user\.name|user\.email|extensions\.objectformat)$/,
  /^remote\.[^\n]+\.(url|pushurl|fetch|push|tagopt|prune|mirror)$/,
  /^branch\.[^\n]+\.(remote|merge|rebase|pushremote|description)$/,
  /^(pull\.rebase|pull\.ff|push\.default|push\.autosetupremote|fetch\.prune|gc\.auto)$/,
  /^(color|advice|status|log|i18n)\.[a-z]+$/,
];

const INERT_GITMODULES_KEYS = /^submodule\.[^\n]+\.(path|url|branch|shallow|ignore|fetchrecursesubmodules)$/;

/**
 * The keys of a git config file, read by git itself (nothing of the file is executed: includes are
 * not followed with --file, and no system or global config is read).
 */
/** git reads only this file: no system or global config, no includes. */
const GIT_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  HOME: "/nonexistent",
};

async function gitConfigKeys(file: string): Promise<string[] | null> {
  try {
    const { stdout } = await run("git", ["config", "--file", file, "--null", "--list"], {
      cwd: "/",
      timeout: 5000,
      maxBuffer: 1024 * 1024,
      // cast: Next.js declares NODE_ENV required on ProcessEnv; a child env need not carry it
      env: GIT_ENV as NodeJS.ProcessEnv,
    });
    return stdout
      .split("\0")
      .filter(Boolean)
      .map((item) => item.split("\n")[0] ?? "");
  } catch {
    return null;
  }
}

async function allowedNew(workspace: string, rule: Rule, after: EntryState): Promise<boolean> {
  const full = path.join(workspace, after.rel);
  switch (rule) {
    case "git-dir":
      return after.kind === "dir";
    case "git-hooks":
      // what `git init` writes: sample hooks git never runs
      return (
        after.kind === "dir" &&
        after.saved !== null &&
        [...after.saved.keys()].every((n) => n.endsWith(".sample"))
      );
    case "git-config": {
      if (after.kind !== "file") return false;
      const keys = await gitConfigKeys(full);
      return keys?.every((k) => INERT_GIT_KEYS.some((re) => re.test(k))) === true;
    }
    case "gitmodules": {
      if (after.kind !== "file") return false;
      const keys = await gitConfigKeys(full);
      return keys?.every((k) => INERT_GITMODULES_KEYS.test(k)) === true;
    }
    case "quarantine":
      return false;
  }
}

async function moveAside(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
  // a link is moved as the link, never followed
  await cp(from, to, { recursive: true, verbatimSymlinks: true, errorOnExist: false });
  await rm(from, { recursive: true, force: true });
}

async function restore(full: string, before: EntryState): Promise<boolean> {
  if (before.kind === "absent") return true;
  if (!before.saved) return false;
  if (before.kind === "file") {
    await writeFile(full, before.saved.get("") ?? Buffer.alloc(0));
    return true;
  }
  if (before.kind !== "dir") return false;
  await mkdir(full, { recursive: true });
  for (const [name, bytes] of before.saved) {
    await mkdir(path.dirname(path.join(full, name)), { recursive: true });
    await writeFile(path.join(full, name), bytes);
  }
  return true;
}

/**
 * Compares the protected names after a command with the snapshot taken before it, and undoes what
 * changed: returns one line per entry it moved to `quarantineDir`, for the transcript.
 */
export async function enforceWorkspace(before: GuardSnapshot, quarantineDir: string): Promise<string[]> {
  const report: string[] = [];
  const stamp = new Date().toISOString().replaceAll(":", "-");
  for (const [i, rule] of PROTECTED.entries()) {
    const earlier = before.entries[i];
    if (!earlier) continue;
    const after = await describeEntry(before.workspace, rule.rel);
    if (after.digest === earlier.digest) continue;
    if (earlier.kind === "absent" && (await allowedNew(before.workspace, rule.rule, after))) continue;
    // `.git` itself changing inode is what `rm -rf .git && git init` looks like; its contents are judged one by one
    if (rule.rel === ".git" && earlier.kind === "dir" && after.kind === "dir") continue;
    const full = path.join(before.workspace, rule.rel);
    const aside = path.join(quarantineDir, stamp, rule.rel);
    try {
      if (after.kind !== "absent") await moveAside(full, aside);
      const restored = await restore(full, earlier);
      const what = earlier.kind === "absent" ? "created" : after.kind === "absent" ? "removed" : "replaced";
      report.push(
        `${rule.rel} was ${what} by the command; ${after.kind === "absent" ? "" : `moved to ${aside}; `}${
          earlier.kind === "absent"
            ? ""
            : restored
              ? "the earlier version was put back; "
              : "the earlier version could not be put back; "
        }files here that run code outside the sandbox (git hooks and config, shell start-up files, editor and agent configs) can only be changed by you`,
      );
    } catch (error) {
      report.push(`${rule.rel} was changed by the command and could not be undone: ${String(error)}`);
    }
  }
  return report;
}
