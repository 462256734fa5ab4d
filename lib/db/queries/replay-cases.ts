import { z } from "zod";
import { db } from "../client";

/** How many recent turns of a workspace the replay set is chosen from. */
const RECENT_TURNS = 200;

const textPart = z.object({ type: z.literal("text"), text: z.string() });

/** A recorded turn with what case selection needs (lib/evaluation/cases.ts reads it as RecordedTurn). */
export interface RecordedTurnRow {
  turnId: string;
  sessionId: string;
  workspace: string;
  startedAt: Date;
  status: string;
  /** The user's message that started it (empty when none was stored). */
  message: string;
  model: string | null;
  /** The tree of its turn-start checkpoint: the workspace it started from (null: none recorded). */
  startTree: string | null;
  /** Its tool calls, oldest first; `command` is the run_command input as recorded (first line). */
  calls: Array<{
    tool: string;
    ok: boolean;
    exitCode: number | null;
    command: string | null;
    commandKey: string | null;
  }>;
  frictions: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  steps: number;
}

/**
 * The recent turns of agent sessions in a workspace (or the given turns), newest first, each with
 * its user message, turn-start checkpoint, tool calls, frictions and the tokens and cost of its steps.
 */
export async function listRecordedTurns(
  where: { workspace: string } | { turnIds: string[] },
): Promise<RecordedTurnRow[]> {
  const turns = await db().turn.findMany({
    where:
      "workspace" in where
        ? { session: { workspace: where.workspace, kind: "agent" } }
        : { id: { in: where.turnIds }, session: { kind: "agent" } },
    orderBy: { startedAt: "desc" },
    take: RECENT_TURNS,
    include: { session: { select: { workspace: true, model: true } } },
  });
  const ids = turns.map((t) => t.id);
  if (ids.length === 0) return [];
  const [messages, checkpoints, calls, frictions, steps] = await Promise.all([
    db().message.findMany({
      where: { turnId: { in: ids }, role: "user" },
      orderBy: { createdAt: "asc" },
      select: { turnId: true, parts: { orderBy: { idx: "asc" }, select: { data: true } } },
    }),
    db().checkpoint.findMany({
      where: { turnId: { in: ids }, kind: "turn-start" },
      select: { turnId: true, tree: true },
    }),
    db().toolCall.findMany({
      where: { turnId: { in: ids } },
      orderBy: { createdAt: "asc" },
      select: { turnId: true, tool: true, ok: true, exitCode: true, inputSummary: true, commandKey: true },
    }),
    db().friction.groupBy({ by: ["turnId"], where: { turnId: { in: ids } }, _count: { _all: true } }),
    db().modelStep.groupBy({
      by: ["turnId"],
      where: { turnId: { in: ids } },
      _sum: { inputTokens: true, outputTokens: true, costUsd: true },
      _max: { model: true },
    }),
  ]);
  const text = new Map<string, string>();
  for (const m of messages) {
    if (!m.turnId || text.has(m.turnId)) continue;
    const parts = m.parts
      .map((p) => textPart.safeParse(p.data))
      .flatMap((p) => (p.success ? [p.data.text] : []));
    text.set(m.turnId, parts.join("\n"));
  }
  const trees = new Map(checkpoints.map((c) => [c.turnId, c.tree]));
  const callsOf = new Map<string, RecordedTurnRow["calls"]>();
  for (const c of calls) {
    if (!c.turnId) continue;
    const list = callsOf.get(c.turnId) ?? [];
    list.push({
      tool: c.tool,
      ok: c.ok,
      exitCode: c.exitCode,
      command: c.tool === "run_command" ? c.inputSummary : null,
      commandKey: c.commandKey,
    });
    callsOf.set(c.turnId, list);
  }
  const frictionCount = new Map(frictions.map((f) => [f.turnId, f._count._all]));
  const usage = new Map(steps.map((s) => [s.turnId, s]));
  return turns.map((t) => {
    const u = usage.get(t.id);
    return {
      turnId: t.id,
      sessionId: t.sessionId,
      workspace: t.session.workspace,
      startedAt: t.startedAt,
      status: t.status,
      message: text.get(t.id) ?? "",
      model: u?._max.model ?? t.session.model,
      startTree: trees.get(t.id) ?? null,
      calls: callsOf.get(t.id) ?? [],
      frictions: frictionCount.get(t.id) ?? 0,
      inputTokens: u?._sum.inputTokens ?? 0,
      outputTokens: u?._sum.outputTokens ?? 0,
      costUsd: u?._sum.costUsd ?? 0,
      steps: t.steps,
    };
  });
}

/**
 * The turns and commands behind an agent-written tool: the frictions that led to it (naming it, or
 * in the session that proposed it); without any, the turns of that session before the proposal.
 */
export async function frictionTurnsBehindTool(
  name: string,
  proposal: { sessionId: string | null; createdAt: Date },
): Promise<{ turnIds: string[]; commandKeys: string[] }> {
  const { sessionId } = proposal;
  const rows = await db().friction.findMany({
    where: { OR: [{ toolName: name }, ...(sessionId ? [{ sessionId }] : [])], turnId: { not: null } },
    select: { turnId: true },
    take: 200,
  });
  let turnIds = [...new Set(rows.map((r) => r.turnId).filter((t): t is string => t !== null))];
  if (turnIds.length === 0 && sessionId) {
    const before = await db().turn.findMany({
      where: { sessionId, startedAt: { lt: proposal.createdAt } },
      select: { id: true },
      take: 200,
    });
    turnIds = before.map((t) => t.id);
  }
  const keys = await db().toolCall.findMany({
    where: { turnId: { in: turnIds }, commandKey: { not: null } },
    distinct: ["commandKey"],
    select: { commandKey: true },
  });
  return { turnIds, commandKeys: keys.map((k) => k.commandKey).filter((k): k is string => k !== null) };
}

/** A person's include/exclude choices for a workspace's replay set. */
export async function replayChoices(workspace: string): Promise<Map<string, boolean>> {
  const rows = await db().replayCaseChoice.findMany({ where: { workspace } });
  return new Map(rows.map((r) => [r.turnId, r.included]));
}

export function setReplayChoice(turnId: string, workspace: string, included: boolean, by: string) {
  return db().replayCaseChoice.upsert({
    where: { turnId },
    create: { turnId, workspace, included, by },
    update: { included, by },
  });
}

/** The workspace of a turn of an agent session (null: no such turn). */
export async function turnWorkspace(turnId: string): Promise<string | null> {
  const row = await db().turn.findFirst({
    where: { id: turnId, session: { kind: "agent" } },
    select: { session: { select: { workspace: true } } },
  });
  return row?.session.workspace ?? null;
}
