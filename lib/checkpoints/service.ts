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
import {
  changesBetween,
  differingPaths,
  type FileChange,
  restore,
  revertHunk,
  snapshot,
  storeFor,
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
  const start = (await listCheckpoints(sessionId)).find(
    (c) => c.turnId === turn.id && c.kind === "turn-start",
  );
  if (!start)
    throw new ApiError("not_found", `Turn ${n} has no checkpoint (it ran before checkpoints were recorded).`);
  return { turns, turn, start };
}

/** The workspace now, recorded under a view index so it never waits on a running turn's. */
async function now(sessionId: string, workspace: string) {
  return snapshot(store(workspace), `${sessionId}-view`, null, "view");
}

export type ChangesScope = { scope: "turn"; turn: number } | { scope: "session" };

/**
 * What changed: in turn N (from its start to the next turn's start, or to now for the last one) or
 * in the whole session (from its first turn's start to now).
 */
export async function sessionChanges(sessionId: string, scope: ChangesScope): Promise<FileChange[]> {
  const session = await sessionOrThrow(sessionId);
  const s = store(session.workspace);
  if (scope.scope === "session") {
    const first = (await listCheckpoints(sessionId)).find((c) => c.kind === "turn-start");
    if (!first) return [];
    return changesBetween(s, first.commit, (await now(sessionId, session.workspace)).commit);
  }
  const { turns, start } = await turnStart(sessionId, scope.turn);
  const next = turns[scope.turn];
  const checkpoints = await listCheckpoints(sessionId);
  const end = next ? checkpoints.find((c) => c.turnId === next.id && c.kind === "turn-start") : undefined;
  const to = end?.commit ?? (await now(sessionId, session.workspace)).commit;
  return changesBetween(s, start.commit, to);
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
  const target = request.path ? [request.path] : undefined;
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
