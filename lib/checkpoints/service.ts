import {
  type CheckpointRow,
  latestCheckpoint,
  listCheckpoints,
  listTurns,
  markTurnsRewound,
  recordCheckpoint,
} from "@/lib/db/queries/checkpoints";
import { findSession } from "@/lib/db/queries/sessions";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { appendEvent } from "@/lib/events/log";
import { processState } from "@/lib/process-state";
import {
  changesBetween,
  differingPaths,
  type FileChange,
  type FileChangeDetail,
  fileChangeBetween,
  materialise,
  restore,
  revertHunk,
  type Snapshot,
  type Store,
  snapshot,
  storeFor,
  workspaceHead,
} from "./store";

/**
 * Checkpoints of a session's workspace, and what a person does with them: see what a turn or the
 * session changed, and put files back. Rows in the database name commits of the workspace's shadow
 * store (store.ts); the numbers of the API count a session's turns from 1.
 */

function store(workspace: string) {
  return storeFor(env().dataDir, workspace);
}

async function record(
  sessionId: string,
  workspace: string,
  turnId: string | null,
  kind: CheckpointRow["kind"],
  step: number,
): Promise<CheckpointRow> {
  const parent = await latestCheckpoint(sessionId);
  const snap = await snapshot(store(workspace), sessionId, parent, `${kind} ${turnId ?? ""} ${step}`.trim());
  // a step that wrote nothing adds no row: the previous checkpoint still describes the workspace
  if (kind === "step" && parent && parent.commit === snap.commit) return parent;
  const row = await recordCheckpoint({
    sessionId,
    turnId,
    kind,
    step,
    commit: snap.commit,
    tree: snap.tree,
    skipped: snap.skipped,
  });
  await appendEvent(sessionId, { type: "checkpoint", turnId, kind, step, commit: snap.commit });
  return row;
}

/** Before a turn's first model request: the state the turn starts from (and a rewind returns to). */
export function checkpointTurnStart(sessionId: string, workspace: string, turnId: string) {
  return record(sessionId, workspace, turnId, "turn-start", 0);
}

/** After a step whose tools may have written files. */
export function checkpointStep(sessionId: string, workspace: string, turnId: string, step: number) {
  return record(sessionId, workspace, turnId, "step", step);
}

/** The files a workspace's checkpoint recorded, written into an empty folder (an evaluation's scratch copy). */
export function copyCheckpointTree(
  workspace: string,
  tree: string,
  dest: string,
  key: string,
): Promise<void> {
  return materialise(store(workspace), tree, dest, key);
}

export async function sessionCheckpoints(sessionId: string) {
  const [rows, turns] = await Promise.all([listCheckpoints(sessionId), listTurns(sessionId)]);
  const number = new Map(turns.map((t, i) => [t.id, i + 1]));
  return rows.map((row) => ({
    id: row.id,
    turn: row.turnId ? (number.get(row.turnId) ?? null) : null,
    kind: row.kind,
    step: row.step,
    commit: row.commit,
    skipped: row.skipped,
    createdAt: row.createdAt.toISOString(),
  }));
}

/** The session's turns, numbered from 1, with whether each has a checkpoint to compare or rewind to. */
export async function sessionTurns(sessionId: string) {
  const [rows, turns] = await Promise.all([listCheckpoints(sessionId), listTurns(sessionId)]);
  const started = new Set(rows.filter((r) => r.kind === "turn-start").map((r) => r.turnId));
  return turns.map((t, i) => ({
    turn: i + 1,
    status: t.status,
    startedAt: t.startedAt.toISOString(),
    endedAt: t.endedAt?.toISOString() ?? null,
    rewoundAt: t.rewoundAt?.toISOString() ?? null,
    checkpointed: started.has(t.id),
  }));
}

async function sessionOrThrow(sessionId: string) {
  const session = await findSession(sessionId);
  if (!session) throw new ApiError("not_found", `No session ${sessionId}.`);
  return session;
}

/** The checkpoint turn `n` started from, and the turn rows. */
async function turnStart(sessionId: string, n: number) {
  const turns = await listTurns(sessionId);
  const turn = turns[n - 1];
  if (!turn) throw new ApiError("not_found", `This session has no turn ${n} (it has ${turns.length}).`);
  const checkpoints = await listCheckpoints(sessionId);
  const start = checkpoints.find((c) => c.turnId === turn.id && c.kind === "turn-start");
  if (!start)
    throw new ApiError("not_found", `Turn ${n} has no checkpoint (it ran before checkpoints were recorded).`);
  return { turns, turn, start, checkpoints };
}

/** One running view snapshot per session at a time: they share an index, which git locks. */
const viewQueue = processState("checkpoints.view-queue", () => new Map<string, Promise<unknown>>());
/**
 * The last view snapshot per session: an unchanged workspace gives it back and writes nothing.
 * Never stale: it is only the parent the next snapshot compares its tree with.
 */
const lastView = processState("checkpoints.last-view", () => new Map<string, Snapshot>());

/** The workspace now, recorded under a view index so it never waits on a running turn's. */
async function now(sessionId: string, workspace: string): Promise<Snapshot> {
  const key = `${sessionId}-view`;
  const queue = viewQueue();
  const previous = queue.get(key) ?? Promise.resolve();
  const next = previous
    .catch(() => {})
    .then(async () => {
      const parent = lastView().get(key) ?? null;
      const snap = await snapshot(store(workspace), key, parent, "view");
      lastView().set(key, snap);
      return snap;
    });
  queue.set(key, next);
  try {
    return await next;
  } finally {
    if (queue.get(key) === next) queue.delete(key);
  }
}

export type ChangesScope = { scope: "turn"; turn: number } | { scope: "session" } | { scope: "git" };

type SkippedFile = CheckpointRow["skipped"][number];

/** The two recorded states a scope compares, and the large files left out of them. */
interface Range {
  store: Store;
  from: string | null;
  to: string;
  /** The workspace's own objects (and those it borrows), when `from` is its HEAD. */
  alternates?: readonly string[];
  skipped: SkippedFile[];
}

export type Changes<T> =
  | { kind: "changes"; files: T; skipped: SkippedFile[] }
  /** The session has no checkpoint yet. */
  | { kind: "none" }
  /** Scope git, on a folder that is not a git repository (or has no commit yet). */
  | { kind: "not-a-repository" };

function skippedOf(lists: SkippedFile[][]): SkippedFile[] {
  const byPath = new Map<string, SkippedFile>();
  for (const list of lists) for (const file of list) byPath.set(file.path, file);
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * What a scope compares: turn N from its start to the next turn's start (or to now for the last
 * one; for a rewound turn, to its own last checkpoint); the session from its first turn's start to
 * now; git from the workspace's HEAD to now.
 */
async function rangeOf(
  sessionId: string,
  scope: ChangesScope,
): Promise<Range | { kind: "none" } | { kind: "not-a-repository" }> {
  const session = await sessionOrThrow(sessionId);
  const s = store(session.workspace);
  if (scope.scope === "git") {
    const head = await workspaceHead(s);
    if (!head) return { kind: "not-a-repository" };
    const current = await now(sessionId, session.workspace);
    return {
      store: s,
      from: head.tree,
      to: current.commit,
      alternates: head.objects,
      skipped: current.skipped,
    };
  }
  if (scope.scope === "session") {
    const checkpoints = await listCheckpoints(sessionId);
    const first = checkpoints.find((c) => c.kind === "turn-start");
    if (!first) return { kind: "none" };
    const current = await now(sessionId, session.workspace);
    const recorded = checkpoints.filter((c) => c.createdAt >= first.createdAt).map((c) => c.skipped);
    return {
      store: s,
      from: first.commit,
      to: current.commit,
      skipped: skippedOf([...recorded, current.skipped]),
    };
  }
  const { turns, turn, start, checkpoints } = await turnStart(sessionId, scope.turn);
  if (turn.rewoundAt) {
    // its changes were put back (and a later turn starts from there): what it changed then, up to
    // its own last checkpoint
    const own = checkpoints.filter((c) => c.turnId === turn.id);
    const last = own.at(-1) ?? start;
    return { store: s, from: start.commit, to: last.commit, skipped: skippedOf(own.map((c) => c.skipped)) };
  }
  const next = turns[scope.turn];
  const end = next ? checkpoints.find((c) => c.turnId === next.id && c.kind === "turn-start") : undefined;
  const during = checkpoints
    .filter((c) => c.createdAt >= start.createdAt && (!end || c.createdAt <= end.createdAt))
    .map((c) => c.skipped);
  if (end) return { store: s, from: start.commit, to: end.commit, skipped: skippedOf(during) };
  const current = await now(sessionId, session.workspace);
  return {
    store: s,
    from: start.commit,
    to: current.commit,
    skipped: skippedOf([...during, current.skipped]),
  };
}

/**
 * Diffs between recorded commits never change (never stale: keyed by the commits): the last few
 * are kept, so a panel that reloads on every checkpoint of a busy turn pays git only when the
 * workspace did change.
 */
const diffCache = processState("checkpoints.diff-cache", () => new Map<string, Promise<FileChange[]>>());
const DIFF_CACHE_ENTRIES = 16;
const DIFF_CACHE_MAX_CHARS = 8 * 1024 * 1024;

function cachedChanges(range: Range, patch: boolean): Promise<FileChange[]> {
  const key = [range.store.gitDir, range.from, range.to, range.alternates ?? "", patch].join("\0");
  const cache = diffCache();
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const options = { patch, ...(range.alternates ? { alternates: range.alternates } : {}) };
  const pending = changesBetween(range.store, range.from, range.to, options);
  cache.set(key, pending);
  pending.then(
    (files) => {
      if (files.reduce((n, f) => n + f.diff.length, 0) > DIFF_CACHE_MAX_CHARS) cache.delete(key);
    },
    () => cache.delete(key),
  );
  for (const old of cache.keys()) {
    if (cache.size <= DIFF_CACHE_ENTRIES) break;
    cache.delete(old);
  }
  return pending;
}

/** What changed in a scope, file by file; `patch: false` leaves the unified diffs out. */
export async function scopeChanges(
  sessionId: string,
  scope: ChangesScope,
  options: { patch?: boolean } = {},
): Promise<Changes<FileChange[]>> {
  const range = await rangeOf(sessionId, scope);
  if ("kind" in range) return range;
  return {
    kind: "changes",
    files: await cachedChanges(range, options.patch !== false),
    skipped: range.skipped,
  };
}

/** One file of a scope's changes, with both sides' text; null when the scope did not change it. */
export async function scopeFileChange(
  sessionId: string,
  scope: ChangesScope,
  file: string,
): Promise<Changes<FileChangeDetail | null>> {
  const range = await rangeOf(sessionId, scope);
  if ("kind" in range) return range;
  const options = range.alternates ? { alternates: range.alternates } : {};
  const detail = await fileChangeBetween(range.store, range.from, range.to, file, options);
  return { kind: "changes", files: detail, skipped: range.skipped };
}

/** What changed in turn N or in the whole session (see rangeOf). */
export async function sessionChanges(
  sessionId: string,
  scope: Exclude<ChangesScope, { scope: "git" }>,
): Promise<FileChange[]> {
  const changes = await scopeChanges(sessionId, scope);
  return changes.kind === "changes" ? changes.files : [];
}

/** A file and, when it was renamed since `from`, its old path too: putting it back brings that back. */
async function withRenameSource(s: Store, from: string, to: string, file: string): Promise<string[]> {
  const change = (await changesBetween(s, from, to, { patch: false })).find((c) => c.path === file);
  return change?.from ? [file, change.from] : [file];
}

export interface RevertRequest {
  turn: number;
  path?: string;
  hunk?: number;
  force?: boolean;
}

export type RevertResult = { ok: true; restored: string[] } | { ok: false; conflicts: string[] };

/**
 * Puts files back as they were before turn N: the whole workspace (later turns are marked rewound,
 * never deleted), one file, or one hunk of one file. Files changed by hand since the agent's last
 * checkpoint are conflicts: refused unless forced.
 */
export async function revert(sessionId: string, request: RevertRequest, by: string): Promise<RevertResult> {
  const session = await sessionOrThrow(sessionId);
  if (session.status === "running")
    throw new ApiError("conflict", "A turn is running in this session; stop it or wait before reverting.");
  const s = store(session.workspace);
  const { turns, start } = await turnStart(sessionId, request.turn);
  const last = await latestCheckpoint(sessionId);
  const current = await snapshot(s, sessionId, last, "before revert");
  const target = request.path
    ? await withRenameSource(s, start.commit, current.commit, request.path)
    : undefined;
  const handEdited = last ? (await differingPaths(s, last.commit, current.commit)).map((c) => c.path) : [];
  const touched = target ?? (await differingPaths(s, start.commit, current.commit)).map((c) => c.path);
  const conflicts = handEdited.filter((p) => touched.includes(p));
  if (conflicts.length > 0 && !request.force) return { ok: false, conflicts };

  let restored: string[];
  if (request.hunk !== undefined) {
    if (!request.path) throw new ApiError("unprocessable", "A hunk revert needs the file's path.");
    const change = (await sessionChanges(sessionId, { scope: "turn", turn: request.turn })).find(
      (c) => c.path === request.path,
    );
    if (!change) throw new ApiError("not_found", `Turn ${request.turn} did not change ${request.path}.`);
    if (!(await revertHunk(s, change.diff, request.hunk))) return { ok: false, conflicts: [request.path] };
    restored = [request.path];
  } else {
    restored = await restore(s, sessionId, start.commit, current.commit, target);
  }
  await record(sessionId, session.workspace, null, "revert", 0);
  if (!request.path) {
    const rewound = turns.slice(request.turn - 1).map((t) => t.id);
    await markTurnsRewound(rewound, new Date());
    await appendEvent(sessionId, { type: "turns-rewound", fromTurn: request.turn, turnIds: rewound, by });
  } else {
    await appendEvent(sessionId, {
      type: "reverted",
      turn: request.turn,
      paths: restored,
      hunk: request.hunk ?? null,
      by,
    });
  }
  return { ok: true, restored };
}
