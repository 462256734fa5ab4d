/**
 * Review comments on a diff: what a person selected and wrote, kept in the browser until sent, and
 * the one message the agent receives for all of them. Pure, apart from the storage it is handed.
 */

export interface ReviewComment {
  id: string;
  path: string;
  /** "new": lines of the file as the agent left it; "old": lines it removed (the left side). */
  side: "new" | "old";
  startLine: number;
  endLine: number;
  /** The selected lines' text, as they were when the comment was written. */
  lines: string[];
  comment: string;
  /** Where it was written ("turn 3", "this session", "uncommitted"), for the person's list. */
  scope: string;
}

/** More selected lines than this are cut in the message (the agent can read the file). */
export const MAX_QUOTED_LINES = 60;
/** A comment longer than this is refused in the form (a review is a message, not a document). */
export const MAX_COMMENT_CHARS = 4000;

function lineRange(c: Pick<ReviewComment, "startLine" | "endLine">): string {
  return c.startLine === c.endLine ? `line ${c.startLine}` : `lines ${c.startLine}-${c.endLine}`;
}

/** "src/a.ts lines 3-5" (and "removed" for the old side), as the list and the message name it. */
export function commentTarget(c: Pick<ReviewComment, "path" | "side" | "startLine" | "endLine">): string {
  return `${c.path} ${lineRange(c)}${c.side === "old" ? " (removed, before your change)" : ""}`;
}

/** In file order: by path, new side before old, then by line. */
export function sortComments(comments: readonly ReviewComment[]): ReviewComment[] {
  return [...comments].sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      (a.side === b.side ? 0 : a.side === "new" ? -1 : 1) ||
      a.startLine - b.startLine ||
      a.endLine - b.endLine,
  );
}

/** A fence longer than any run of backticks in the quoted lines, so none of them can close it. */
function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines)
    for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return "`".repeat(Math.max(3, longest + 1));
}

const FENCE_LANGUAGE: Record<string, string> = {
  ts: "ts",
  tsx: "tsx",
  js: "js",
  jsx: "jsx",
  mjs: "js",
  cjs: "js",
  json: "json",
  md: "md",
  py: "python",
  rb: "ruby",
  go: "go",
  rs: "rust",
  java: "java",
  css: "css",
  html: "html",
  sh: "sh",
  yml: "yaml",
  yaml: "yaml",
  sql: "sql",
};

function fenceLanguage(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? "";
  return FENCE_LANGUAGE[ext] ?? "";
}

/**
 * The review as one user message: a short instruction, then each comment under a heading naming
 * its file and lines, with the selected lines quoted in a code block and the comment after it.
 * Markdown, because that is what models read best; line numbers in the heading, not in the code,
 * so the quoted lines can be matched against the file as they are.
 */
export function formatReview(comments: readonly ReviewComment[]): string {
  const sorted = sortComments(comments);
  const count = sorted.length === 1 ? "1 comment" : `${sorted.length} comments`;
  const parts = [
    `Code review of your changes: ${count}. Address each one in the files named, then say briefly what you changed.`,
  ];
  sorted.forEach((c, i) => {
    const quoted = c.lines.slice(0, MAX_QUOTED_LINES);
    const cut = c.lines.length - quoted.length;
    const fence = fenceFor(quoted);
    parts.push(
      [
        `## ${i + 1}. ${c.path}, ${lineRange(c)}${c.side === "old" ? " of the file before your change (lines you removed)" : ""}`,
        `${fence}${fenceLanguage(c.path)}`,
        ...quoted,
        ...(cut > 0 ? [`… ${cut} more line${cut === 1 ? "" : "s"}`] : []),
        fence,
        c.comment.trim(),
      ].join("\n"),
    );
  });
  return parts.join("\n\n");
}

/** What is kept where, per session, until the review is sent or discarded. */
export function storageKey(sessionId: string): string {
  return `ratchet:review:${sessionId}`;
}

function isComment(value: unknown): value is ReviewComment {
  if (typeof value !== "object" || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.id === "string" &&
    typeof c.path === "string" &&
    (c.side === "new" || c.side === "old") &&
    Number.isInteger(c.startLine) &&
    Number.isInteger(c.endLine) &&
    (c.startLine as number) >= 1 &&
    (c.endLine as number) >= (c.startLine as number) &&
    Array.isArray(c.lines) &&
    c.lines.every((l) => typeof l === "string") &&
    typeof c.comment === "string" &&
    typeof c.scope === "string"
  );
}

/** The comments kept for a session; anything unreadable there counts as none. */
export function loadComments(storage: Pick<Storage, "getItem">, sessionId: string): ReviewComment[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(storageKey(sessionId)) ?? "[]");
    return Array.isArray(value) ? value.filter(isComment) : [];
  } catch {
    return [];
  }
}

export function saveComments(
  storage: Pick<Storage, "setItem" | "removeItem">,
  sessionId: string,
  comments: readonly ReviewComment[],
): void {
  try {
    if (comments.length === 0) storage.removeItem(storageKey(sessionId));
    else storage.setItem(storageKey(sessionId), JSON.stringify(comments));
  } catch {
    // a full or disabled storage: the comments live until the page closes
  }
}
