import { createHash } from "node:crypto";
import { lstat, mkdir } from "node:fs/promises";
import path from "node:path";
import { sharedObjectsOf } from "@/lib/sandbox/shared-objects";
import { git } from "./git";

/**
 * The shadow store: a git repository under the data dir that records a workspace's files at each
 * checkpoint, whether or not the workspace is a git repository itself, without ever touching its own
 * `.git`. The workspace's `.gitignore` files apply; files over the size cap are left out and named.
 * One store per workspace (sessions in the same folder share objects); one index per session.
 */
export interface Store {
  workspace: string;
  gitDir: string;
}

export interface Snapshot {
  commit: string;
  tree: string;
  /** Untracked files left out for their size. */
  skipped: { path: string; bytes: number }[];
}

/** Larger files are not recorded (a build artefact, a dataset): the checkpoint says so. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export function storeFor(dataDir: string, workspace: string): Store {
  const key = createHash("sha256").update(workspace).digest("hex").slice(0, 16);
  return { workspace, gitDir: path.join(dataDir, "checkpoints", key) };
}

const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/**
 * The store's own settings, written once when it is created, in the same run as the first snapshot.
 * Appended as one section to the config `git init` wrote (a `git config` per key would be a process
 * each); the file is the store's own and nothing else writes it then.
 */
const STORE_INIT = [
  'if [ ! -f "$GIT_DIR/HEAD" ]; then (',
  // created as it always was, on its own: a work tree in the environment would be written into its config
  "  unset GIT_WORK_TREE GIT_INDEX_FILE",
  "  git init -q",
  // plain bytes in, plain bytes out: no line-ending or mode games; objects kept until Ratchet prunes;
  // manyFiles: the compact index version 4 (its untracked cache serves `git status`, not add or ls-files)
  "  printf '[core]\\n\\tautocrlf = false\\n\\tsymlinks = true\\n\\tbigFileThreshold = 1m\\n[gc]\\n\\tauto = 0\\n[feature]\\n\\tmanyFiles = true\\n' >> \"$GIT_DIR/config\"",
  ") fi",
];

/**
 * One isolated run per snapshot (each run is a namespace to set up, about as long as the git work of
 * a step on 10,000 files): create the store if new, list the untracked files, stage everything but
 * the untracked files over the size cap, write the tree, and only for a new tree commit and point
 * the session's ref at it.
 * - The cap is applied by one `find` over the listed names, read as NUL-separated start points
 *   (`-files0-from`: a name is never read as an option or expression; a link is never followed,
 *   `-type f` is the link itself), and the large files reach `git add -A` as literal exclude
 *   pathspecs, so no name is ever read as a pattern.
 * - When git listed no untracked file (a step that only changed or deleted files, the common case),
 *   `add -A` would find none either: `add -u` does the rest of its work (every tracked file's stat
 *   against the index) without walking every folder a second time, and no `find` runs. A file made
 *   after the listing is recorded by the next checkpoint, as one made just after this one would be.
 *   (Adding new files by their listed names instead is not cheaper: git matches every path against
 *   every pathspec, 1.2 s for 10,000 names.)
 * Paths, the message and the parent come in as variables or NUL-separated data, never as shell text.
 * Output: "<tree> [<commit>]", a newline, then "<bytes>\t<path>\0" per file left out.
 */
const SNAPSHOT_SCRIPT = [
  "set -e",
  'g() { git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }',
  ...STORE_INIT,
  'g ls-files -z --others --exclude-standard > "$RATCHET_UNTRACKED"',
  ': > "$RATCHET_LARGE"',
  'if [ ! -s "$RATCHET_UNTRACKED" ]; then g add -u --ignore-errors >&2',
  "else",
  `  find -files0-from "$RATCHET_UNTRACKED" -maxdepth 0 -type f -size +${MAX_FILE_BYTES / 1024}k -printf "%s\\t%p\\0" > "$RATCHET_LARGE"`,
  '  if [ -s "$RATCHET_LARGE" ]; then',
  '    { printf ".\\0"; sed -z "s|^[0-9]*\t|:(exclude,literal)|" "$RATCHET_LARGE"; } > "$RATCHET_PATHSPEC"',
  '    g add -A --ignore-errors --pathspec-from-file="$RATCHET_PATHSPEC" --pathspec-file-nul >&2',
  "  else g add -A --ignore-errors >&2; fi",
  "fi",
  "tree=$(g write-tree)",
  'if [ "$tree" = "$RATCHET_PARENT_TREE" ]; then echo "$tree"',
  "else",
  '  if [ -n "$RATCHET_PARENT" ]; then commit=$(g commit-tree "$tree" -p "$RATCHET_PARENT" -m "$RATCHET_MESSAGE")',
  '  else commit=$(g commit-tree "$tree" -m "$RATCHET_MESSAGE"); fi',
  '  g update-ref "refs/ratchet/$RATCHET_SESSION" "$commit"',
  '  echo "$tree $commit"',
  "fi",
  'cat "$RATCHET_LARGE"',
].join("\n");

function indexFor(store: Store, session: string): string {
  return path.join(store.gitDir, `index-${session.replace(/[^A-Za-z0-9_-]/g, "_")}`);
}

function parseLarge(out: string): { path: string; bytes: number }[] {
  return out
    .split("\0")
    .filter(Boolean)
    .map((entry) => {
      const tab = entry.indexOf("\t");
      return { path: entry.slice(tab + 1), bytes: Number(entry.slice(0, tab)) };
    });
}

/**
 * Records the workspace as it is now. `parent` is the session's previous checkpoint: an unchanged
 * tree returns it instead of a new commit, so a step that wrote nothing costs no object.
 */
export async function snapshot(
  store: Store,
  session: string,
  parent: { commit: string; tree: string } | null,
  message: string,
): Promise<Snapshot> {
  // the store's folder exists before the run: it is bound into the namespace by descriptor
  await mkdir(store.gitDir, { recursive: true, mode: 0o700 });
  const index = indexFor(store, session);
  const out = await git({
    gitDir: store.gitDir,
    workTree: store.workspace,
    index,
    shell: SNAPSHOT_SCRIPT,
    vars: {
      RATCHET_UNTRACKED: `${index}.untracked`,
      RATCHET_LARGE: `${index}.large`,
      RATCHET_PATHSPEC: `${index}.pathspec`,
      RATCHET_PARENT_TREE: parent?.tree ?? "",
      RATCHET_PARENT: parent?.commit ?? "",
      RATCHET_MESSAGE: message,
      RATCHET_SESSION: session.replace(/[^A-Za-z0-9_-]/g, "_"),
    },
    args: [],
  });
  const newline = out.indexOf("\n");
  const [tree = "", commit] = out.slice(0, newline).trim().split(" ");
  const skipped = parseLarge(out.slice(newline + 1));
  if (!tree) throw new Error("the checkpoint store wrote no tree");
  if (!commit) {
    if (!parent) throw new Error("the checkpoint store wrote no commit");
    return { ...parent, skipped };
  }
  return { commit, tree, skipped };
}

/**
 * Writes the files of a recorded tree into an empty folder (a scratch copy for an evaluation's
 * replay): the store's own index is never touched, a throwaway one is used and removed, and git runs
 * isolated with only the store and the destination in reach.
 */
export async function materialise(store: Store, tree: string, dest: string, key: string): Promise<void> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(tree)) throw new Error(`not a tree id: ${tree}`);
  await git({
    gitDir: store.gitDir,
    workTree: dest,
    writeWorkTree: true,
    index: path.join(store.gitDir, `index-copy-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`),
    shell: [
      "set -e",
      'g() { git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }',
      'g read-tree "$RATCHET_TREE"',
      "g checkout-index -a -f",
      'rm -f "$GIT_INDEX_FILE"',
    ].join("\n"),
    vars: { RATCHET_TREE: tree },
    args: [],
  });
}

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed";

export interface FileChange {
  path: string;
  /** The path before a rename. */
  from?: string;
  status: ChangeStatus;
  additions: number;
  deletions: number;
  binary: boolean;
  /** The unified diff of this file (empty for a binary one). */
  diff: string;
}

const STATUS: Record<string, ChangeStatus> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  T: "modified",
};

const DIFF_OPTIONS = ["--no-color", "--no-ext-diff", "--no-textconv", "-M", "--full-index"];

export interface DiffOptions {
  /** Other repositories' objects that `from` lives in (the workspace's own, for uncommitted changes). */
  alternates?: readonly string[];
  /** Leave out the unified diffs (a list of files and counts): no file's content is compared twice. */
  patch?: boolean;
}

/** The changes from one recorded tree to another, file by file. */
export async function changesBetween(
  store: Store,
  from: string | null,
  to: string,
  options: DiffOptions = {},
): Promise<FileChange[]> {
  const base = from ?? EMPTY_TREE;
  const run = (args: string[]) =>
    git({ gitDir: store.gitDir, ...(options.alternates ? { alternates: options.alternates } : {}), args });
  const [nameStatus, numstat, patch] = await Promise.all([
    run(["diff", ...DIFF_OPTIONS, "--name-status", "-z", base, to]),
    run(["diff", ...DIFF_OPTIONS, "--numstat", "-z", base, to]),
    options.patch === false ? "" : run(["diff", ...DIFF_OPTIONS, "-U3", base, to]),
  ]);
  return assemble(parseNameStatus(nameStatus), numstat, patch);
}

/** One file of a change, with both sides' text for a side-by-side view. */
export interface FileChangeDetail extends FileChange {
  /** The text before (null: the file did not exist, or is binary or too large to show). */
  before: string | null;
  /** The text after (null: deleted, binary or too large). */
  after: string | null;
  /** A side is over MAX_SHOWN_BYTES: only the unified diff is shown. */
  tooLarge: boolean;
}

/** Larger sides are not sent for a side-by-side view (the unified diff still is). */
export const MAX_SHOWN_BYTES = 1024 * 1024;

/**
 * One file of the changes from `from` to `to` (by its path now, or its path before a rename):
 * its counts and diff, and the text of both sides. Null when that file did not change.
 */
export async function fileChangeBetween(
  store: Store,
  from: string | null,
  to: string,
  file: string,
  options: Pick<DiffOptions, "alternates"> = {},
): Promise<FileChangeDetail | null> {
  const base = from ?? EMPTY_TREE;
  const run = (args: string[], input?: string) =>
    git({
      gitDir: store.gitDir,
      ...(options.alternates ? { alternates: options.alternates } : {}),
      args,
      ...(input !== undefined ? { input } : {}),
    });
  // which entry: the list of names is cheap, and pairs a rename's two paths
  const entry = parseNameStatus(await run(["diff", ...DIFF_OPTIONS, "--name-status", "-z", base, to])).find(
    (e) => e.path === file || e.from === file,
  );
  if (!entry) return null;
  const oldPath = entry.from ?? entry.path;
  // literal pathspecs: no glob or magic in a file's name applies; both paths, so a rename still pairs
  const only = ["--", ...(entry.from ? [entry.from] : []), entry.path];
  const diff = (args: string[]) =>
    run(["--literal-pathspecs", "diff", ...DIFF_OPTIONS, ...args, base, to, ...only]);
  // object sizes by `rev:path`, one per line (a name with a line break in it is not looked up)
  const lookup = [`${base}:${oldPath}`, `${to}:${entry.path}`];
  const [numstat, patch, sizes] = await Promise.all([
    diff(["--numstat", "-z"]),
    diff(["-U3"]),
    lookup.some((l) => l.includes("\n"))
      ? ""
      : run(["cat-file", "--batch-check=%(objectsize)", "--buffer"], `${lookup.join("\n")}\n`),
  ]);
  const [change] = assemble([entry], numstat, patch);
  if (!change) return null;
  const [beforeSize, afterSize] = sizes.split("\n").map((line) => (/^\d+$/.test(line) ? Number(line) : null));
  const tooLarge = (beforeSize ?? 0) > MAX_SHOWN_BYTES || (afterSize ?? 0) > MAX_SHOWN_BYTES;
  const show = async (spec: string, size: number | null | undefined) => {
    if (change.binary || tooLarge || size === null || size === undefined) return null;
    const text = await run(["cat-file", "blob", spec]);
    // a NUL byte in what git diffed as text: still not shown as text
    return text.includes("\0") ? null : text;
  };
  const [before, after] = await Promise.all([
    entry.status === "added" ? null : show(lookup[0] ?? "", beforeSize),
    entry.status === "deleted" ? null : show(lookup[1] ?? "", afterSize),
  ]);
  return { ...change, before, after, tooLarge };
}

function assemble(entries: NameStatus[], numstat: string, patch: string): FileChange[] {
  const counts = parseNumstat(numstat);
  const diffs = splitPatch(patch);
  return entries.map((entry) => {
    const count = counts.get(entry.path);
    return {
      ...entry,
      additions: count?.additions ?? 0,
      deletions: count?.deletions ?? 0,
      binary: count?.binary ?? false,
      diff: diffs.get(entry.path) ?? "",
    };
  });
}

type NameStatus = Pick<FileChange, "path" | "from" | "status">;

function parseNameStatus(text: string): NameStatus[] {
  const fields = text.split("\0").filter((f) => f !== "");
  const out: NameStatus[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++] ?? "";
    const status = STATUS[code[0] ?? ""] ?? "modified";
    if (status === "renamed") {
      const from = fields[i++] ?? "";
      out.push({ path: fields[i++] ?? "", from, status });
    } else out.push({ path: fields[i++] ?? "", status });
  }
  return out;
}

function parseNumstat(text: string): Map<string, { additions: number; deletions: number; binary: boolean }> {
  const counts = new Map<string, { additions: number; deletions: number; binary: boolean }>();
  const fields = text.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? "";
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(field);
    if (!match) continue;
    let name = match[3] ?? "";
    // a rename: the counts line is followed by the old and the new path
    if (name === "") {
      i++;
      name = fields[++i] ?? "";
    }
    counts.set(name, {
      additions: match[1] === "-" ? 0 : Number(match[1]),
      deletions: match[2] === "-" ? 0 : Number(match[2]),
      binary: match[1] === "-",
    });
  }
  return counts;
}

/** Splits a multi-file unified diff into one per file, keyed by the new path (the old one for a deletion). */
function splitPatch(patch: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const part of patch.split(/^(?=diff --git )/m)) {
    if (!part.startsWith("diff --git ")) continue;
    const plus = /^\+\+\+ (.*)$/m.exec(part)?.[1];
    const minus = /^--- (.*)$/m.exec(part)?.[1];
    const rename = /^rename to (.*)$/m.exec(part)?.[1];
    const name =
      headerPath(plus, "b/") ??
      (rename === undefined ? undefined : unquote(rename)) ??
      headerPath(minus, "a/");
    if (name) files.set(name, part);
  }
  return files;
}

/** A path from a `---`/`+++` line: without its prefix, unquoted, without the tab git adds after a space. */
function headerPath(raw: string | undefined, prefix: string): string | undefined {
  if (raw === undefined || raw === "/dev/null") return undefined;
  const name = unquote(raw.endsWith("\t") ? raw.slice(0, -1) : raw);
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** A name git wrote in C quotes (it holds a quote, a backslash or a control character): its bytes back. */
function unquote(raw: string): string {
  if (!(raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"'))) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? "";
    if (c !== "\\") {
      bytes.push(...Buffer.from(c, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The paths whose content differs between two recorded trees (no rename pairing). */
export async function differingPaths(
  store: Store,
  from: string,
  to: string,
): Promise<{ path: string; status: ChangeStatus }[]> {
  const text = await git({
    gitDir: store.gitDir,
    args: ["diff", "--no-color", "--no-ext-diff", "--no-renames", "--name-status", "-z", from, to],
  });
  return parseNameStatus(text);
}

/**
 * Puts the workspace's files back as `target` recorded them: files changed since are restored,
 * files created since are removed, files deleted since come back. `paths` limits it to those files.
 * `current` is a snapshot taken just before (the caller checks it for changes made by hand).
 */
export async function restore(
  store: Store,
  session: string,
  target: string,
  current: string,
  paths?: string[],
): Promise<string[]> {
  const wanted = paths ? new Set(paths) : null;
  const changed = (await differingPaths(store, target, current)).filter((c) => !wanted || wanted.has(c.path));
  const index = indexFor(store, session);
  const remove = changed.filter((c) => c.status === "added").map((c) => c.path);
  const bring = changed.filter((c) => c.status !== "added").map((c) => c.path);
  const common = { gitDir: store.gitDir, workTree: store.workspace, writeWorkTree: true, index };
  if (bring.length)
    await git({
      ...common,
      args: ["checkout", target, "--pathspec-from-file=-", "--pathspec-file-nul"],
      input: `${bring.join("\0")}\0`,
    });
  if (remove.length)
    await git({
      ...common,
      args: ["rm", "-q", "-f", "--ignore-unmatch", "--pathspec-from-file=-", "--pathspec-file-nul"],
      input: `${remove.join("\0")}\0`,
    });
  return changed.map((c) => c.path);
}

/** The hunks of one file's unified diff: the header and each `@@` block. */
export function hunksOf(diff: string): { header: string; hunks: string[] } {
  const at = diff.search(/^@@ /m);
  if (at === -1) return { header: diff, hunks: [] };
  const header = diff.slice(0, at);
  const hunks = diff.slice(at).split(/^(?=@@ )/m);
  return { header, hunks };
}

/**
 * Takes one hunk of a recorded change back out of the workspace. Fails (false) when the file no
 * longer holds that hunk as recorded, e.g. it was edited by hand since.
 */
export async function revertHunk(store: Store, diff: string, hunk: number): Promise<boolean> {
  const { header, hunks } = hunksOf(diff);
  const chosen = hunks[hunk];
  if (!chosen) return false;
  try {
    await git({
      gitDir: store.gitDir,
      workTree: store.workspace,
      writeWorkTree: true,
      args: ["apply", "-R", "--whitespace=nowarn", "-"],
      input: `${header}${chosen.endsWith("\n") ? chosen : `${chosen}\n`}`,
    });
    return true;
  } catch {
    return false;
  }
}

/** The workspace's own git repository, read-only: the tree of its `HEAD` and its object folder. */
export interface WorkspaceHead {
  tree: string;
  /** Its object folder, and the store a worktree session's repository borrows from. */
  objects: readonly string[];
}

/**
 * The workspace's own `HEAD`, read from its objects without writing anything of its repository.
 * Null when it is not a git repository Ratchet can read (no `.git` folder in it, or no commit yet).
 */
export async function workspaceHead(store: Store): Promise<WorkspaceHead | null> {
  const own = path.join(store.workspace, ".git");
  if (!(await lstat(own).catch(() => null))?.isDirectory()) return null;
  const shared = await sharedObjectsOf(store.workspace);
  const objects = [path.join(own, "objects"), ...(shared ? [shared] : [])];
  let tree: string;
  try {
    tree = (
      await git({
        gitDir: own,
        readOnlyGitDir: true,
        alternates: objects.slice(1),
        args: ["rev-parse", "--verify", "-q", "HEAD^{tree}"],
      })
    ).trim();
  } catch {
    return null;
  }
  if (!/^[0-9a-f]{40,64}$/.test(tree)) return null;
  return { tree, objects };
}

/**
 * The workspace's uncommitted changes as its own git would show them (tracked and untracked, its
 * `.gitignore` applied): the tree of its `HEAD` against the workspace recorded now. Null when it is
 * not a git repository Ratchet can read.
 */
export async function uncommittedChanges(store: Store, current: string): Promise<FileChange[] | null> {
  const head = await workspaceHead(store);
  if (!head) return null;
  return changesBetween(store, head.tree, current, { alternates: head.objects });
}
