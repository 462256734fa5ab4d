import type { ChangesSummary, SessionTurn } from "@/lib/checkpoints/views";

/**
 * The Changes panel's pure model: the file tree with its counts, the hunks of a unified diff (where
 * each one's "revert" button goes), and which scopes a session can show. No React, no DOM.
 */

export type ChangedEntry = ChangesSummary["files"][number];

/** What the panel compares: one turn, the whole session, or the workspace's own uncommitted work. */
export type Scope = { scope: "turn"; turn: number } | { scope: "session" } | { scope: "git" };

export function scopeKey(scope: Scope): string {
  return scope.scope === "turn" ? `turn:${scope.turn}` : scope.scope;
}

/** What the person asked to see; the turn scope follows the latest turn unless one is pinned. */
export interface Wanted {
  kind: Scope["scope"];
  pinnedTurn: number | null;
}

/** The turn a turn scope shows: the pinned one, else the latest with a checkpoint (null: none yet). */
export function resolveScope(wanted: Wanted, turns: readonly Pick<SessionTurn, "turn" | "checkpointed">[]) {
  if (wanted.kind !== "turn") return { scope: wanted.kind } satisfies Scope;
  const recorded = turns.filter((t) => t.checkpointed);
  const turn = recorded.find((t) => t.turn === wanted.pinnedTurn) ?? recorded.at(-1);
  return turn ? ({ scope: "turn", turn: turn.turn } satisfies Scope) : null;
}

export interface DirNode {
  kind: "dir";
  /** The folder's path from the workspace root, no trailing slash. */
  path: string;
  /** What the row shows: one folder, or a chain of folders that hold nothing else ("src/lib"). */
  name: string;
  dirs: DirNode[];
  files: FileNode[];
  additions: number;
  deletions: number;
  fileCount: number;
}

export interface FileNode {
  kind: "file";
  path: string;
  name: string;
  entry: ChangedEntry;
}

function emptyDir(path: string, name: string): DirNode {
  return { kind: "dir", path, name, dirs: [], files: [], additions: 0, deletions: 0, fileCount: 0 };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Folders first, then files, each by name; a folder's counts are the sums of what it holds. */
export function buildTree(files: readonly ChangedEntry[]): DirNode {
  const root = emptyDir("", "");
  for (const entry of files) {
    const parts = entry.path.split("/");
    const name = parts.pop() ?? entry.path;
    let dir = root;
    const chain: DirNode[] = [root];
    for (const part of parts) {
      const childPath = dir.path ? `${dir.path}/${part}` : part;
      let child = dir.dirs.find((d) => d.path === childPath);
      if (!child) {
        child = emptyDir(childPath, part);
        dir.dirs.push(child);
      }
      dir = child;
      chain.push(child);
    }
    dir.files.push({ kind: "file", path: entry.path, name, entry });
    for (const d of chain) {
      d.additions += entry.additions;
      d.deletions += entry.deletions;
      d.fileCount += 1;
    }
  }
  return sortAndCompact(root);
}

function sortAndCompact(dir: DirNode): DirNode {
  let node = dir;
  // a folder whose only content is one folder is shown as one row: "src/components"
  while (node.path !== "" && node.files.length === 0 && node.dirs.length === 1) {
    const only = node.dirs[0] as DirNode;
    node = { ...only, name: `${node.name}/${only.name}` };
  }
  return {
    ...node,
    dirs: node.dirs.map(sortAndCompact).sort(byName),
    files: [...node.files].sort(byName),
  };
}

export type TreeRow =
  | { kind: "dir"; depth: number; node: DirNode; open: boolean }
  | { kind: "file"; depth: number; node: FileNode };

/** The rows a person sees, top to bottom: closed folders hide what they hold. */
export function visibleRows(root: DirNode, closed: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (dir: DirNode, depth: number) => {
    for (const child of dir.dirs) {
      const open = !closed.has(child.path);
      rows.push({ kind: "dir", depth, node: child, open });
      if (open) walk(child, depth + 1);
    }
    for (const file of dir.files) rows.push({ kind: "file", depth, node: file });
  };
  walk(root, 0);
  return rows;
}

/** The window of rows to render in a scrolled list of fixed-height rows (plus some either side). */
export function windowOf(
  count: number,
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  overscan = 8,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewport) / rowHeight);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, first + shown + overscan),
  };
}

export const STATUS_LETTER: Record<ChangedEntry["status"], string> = {
  added: "A",
  modified: "M",
  deleted: "D",
  renamed: "R",
};

export interface Hunk {
  /** 0-based, as the revert API counts them. */
  index: number;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The first line of the new file at or after which the hunk changes something (1-based). */
  anchorLine: number;
  additions: number;
  deletions: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The hunks of one file's unified diff, as git wrote them (three lines of context). The anchor is
 * where the first added or removed line is in the new file, so a button placed there sits at the
 * change itself, never inside the unchanged lines a diff view folds away.
 */
export function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | null = null;
  let newLine = 0;
  for (const line of diff.split("\n")) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      const newStart = Number(header[3]);
      current = {
        index: hunks.length,
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart,
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        anchorLine: 0,
        additions: 0,
        deletions: 0,
      };
      hunks.push(current);
      // an empty new side names the line before the change: the change sits after it
      newLine = current.newLines === 0 ? newStart + 1 : newStart;
      continue;
    }
    if (!current) continue;
    const mark = line[0];
    if (mark === "+" || mark === "-") {
      if (current.anchorLine === 0) current.anchorLine = newLine;
      if (mark === "+") {
        current.additions++;
        newLine++;
      } else current.deletions++;
    } else if (mark === " ") newLine++;
  }
  for (const hunk of hunks) if (hunk.anchorLine === 0) hunk.anchorLine = Math.max(1, hunk.newStart);
  return hunks;
}

/** The languages the diff view highlights, by file name; null: plain text. */
export type LanguageId =
  | "javascript"
  | "jsx"
  | "typescript"
  | "tsx"
  | "json"
  | "markdown"
  | "yaml"
  | "css"
  | "html";

const EXTENSIONS: Record<string, LanguageId> = {
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "jsx",
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "tsx",
  json: "json",
  jsonc: "json",
  md: "markdown",
  markdown: "markdown",
  mdx: "markdown",
  yml: "yaml",
  yaml: "yaml",
  css: "css",
  html: "html",
  htm: "html",
  svg: "html",
};

export function languageOf(path: string): LanguageId | null {
  const name = path.split("/").pop() ?? path;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null;
  return EXTENSIONS[name.slice(dot + 1).toLowerCase()] ?? null;
}

/** "+12 −3", the counts as a person reads them. */
export function countsLabel(additions: number, deletions: number): string {
  return `+${additions} −${deletions}`;
}

/** The folders above a file, so a file chosen from outside the tree can be shown opened. */
export function parentFolders(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}
