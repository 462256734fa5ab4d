/**
 * Replay cases: recorded turns an evaluation replays. Pure rules over what the record holds (the
 * queries in lib/db/queries/replay-cases.ts read it), so the choice of cases is testable without a
 * database and the same record always gives the same set.
 */
import type { RecordedTurnRow } from "@/lib/db/queries/replay-cases";

/** A recorded turn as the selection sees it: the row its query reads (lib/db/queries/replay-cases.ts). */
export type RecordedTurn = RecordedTurnRow;

/** How a replay is judged: the check the turn itself ran last, or, without one, a rubric for a judge model. */
export type Verification =
  | { kind: "command"; command: string; exitCode: number }
  | { kind: "rubric"; rubric: string };

export interface ReplayCase {
  turnId: string;
  sessionId: string;
  workspace: string;
  startedAt: Date;
  message: string;
  model: string | null;
  startTree: string;
  verification: Verification;
  /** Why it is in the set: the frictions behind the subject, similar usage, or only recorded. */
  reason: "friction" | "similar" | "recorded";
  /** Shared commands and tools with the subject's friction turns (the order within a reason). */
  similarity: number;
  /** What the record says it cost: the estimate's basis. */
  tokens: number;
  costUsd: number;
  steps: number;
  included: boolean;
  /** A person chose `included` (true) or the rules did. */
  chosen: boolean;
}

/** What an evaluation's subject points at in the record: the turns behind it and what they used. */
export interface Focus {
  turnIds: ReadonlySet<string>;
  commandKeys: ReadonlySet<string>;
  tools: ReadonlySet<string>;
}

export const NO_FOCUS: Focus = { turnIds: new Set(), commandKeys: new Set(), tools: new Set() };

/** The first word (after env assignments and `npx`/`npm run`-like launchers) that makes a command a check. */
const CHECK_WORDS = new Set([
  "test",
  "tests",
  "build",
  "check",
  "lint",
  "typecheck",
  "tsc",
  "vitest",
  "jest",
  "mocha",
  "pytest",
  "tox",
  "make",
  "ctest",
  "rspec",
  "phpunit",
  "biome",
  "eslint",
  "mypy",
  "ruff",
]);
/** Tools whose subcommand decides: `cargo test`, `go build`, `npm test`, `dotnet test`. */
const RUNNERS = new Set([
  "npm",
  "pnpm",
  "yarn",
  "bun",
  "npx",
  "cargo",
  "go",
  "dotnet",
  "mvn",
  "gradle",
  "python",
  "python3",
  "node",
]);
const MAX_COMMAND_CHARS = 199; // the record keeps 200: a longer one may be cut, so it cannot be rerun

/**
 * Is this a test or build command? An allowlist of well-known check words, looked up in the first
 * words of a single, plain command: a pipeline, a chain or a multi-line script is not a check the
 * harness can rerun and trust as the turn's verdict.
 */
export function isCheckCommand(command: string): boolean {
  const text = command.trim();
  if (!text || text.length > MAX_COMMAND_CHARS || /[\n;&|`$<>]/.test(text)) return false;
  const words = text.split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  const [first, second, third] = words.map((w) => w.toLowerCase());
  if (!first) return false;
  const base = first.split("/").pop() ?? first;
  if (CHECK_WORDS.has(base)) return true;
  if (!RUNNERS.has(base) || !second) return false;
  if (CHECK_WORDS.has(second)) return true;
  // npm run test:unit, python -m pytest, npx vitest run
  const next = (third ?? "").split(":")[0] ?? "";
  return (second === "run" || second === "-m" || second === "exec") && CHECK_WORDS.has(next);
}

/** The check that decided the turn: its last test/build command and the exit code it got; else a rubric. */
export function verificationOf(turn: Pick<RecordedTurn, "calls" | "message">): Verification {
  for (let i = turn.calls.length - 1; i >= 0; i--) {
    const call = turn.calls[i];
    if (call?.tool !== "run_command" || call.command === null || call.exitCode === null) continue;
    if (isCheckCommand(call.command))
      return { kind: "command", command: call.command.trim(), exitCode: call.exitCode };
  }
  return { kind: "rubric", rubric: `The answer does what the user asked: ${turn.message.slice(0, 500)}` };
}

function similarityOf(turn: RecordedTurn, focus: Focus): number {
  const keys = new Set(turn.calls.map((c) => c.commandKey).filter((k): k is string => k !== null));
  const tools = new Set(turn.calls.map((c) => c.tool).filter((t) => t !== "run_command"));
  let score = 0;
  for (const k of keys) if (focus.commandKeys.has(k)) score += 1;
  for (const t of tools) if (focus.tools.has(t)) score += 1;
  return score;
}

const RANK = { friction: 0, similar: 1, recorded: 2 } as const;

/**
 * The replay set of a workspace: every replayable turn (a stored message and a turn-start checkpoint,
 * not still running), the friction turns behind the subject first, then turns sharing its commands
 * or tools (most shared first), then the rest, newest first within each. Up to `limit` of the first
 * two groups are included unless a person excluded them; a person's choice always wins.
 */
export function selectCases(
  turns: readonly RecordedTurn[],
  opts: { focus?: Focus; choices?: ReadonlyMap<string, boolean>; limit?: number } = {},
): ReplayCase[] {
  const focus = opts.focus ?? NO_FOCUS;
  const limit = opts.limit ?? 10;
  const candidates: ReplayCase[] = [];
  for (const turn of turns) {
    if (!turn.startTree || !turn.message.trim() || turn.status === "running") continue;
    const similarity = similarityOf(turn, focus);
    const reason = focus.turnIds.has(turn.turnId) ? "friction" : similarity > 0 ? "similar" : "recorded";
    candidates.push({
      turnId: turn.turnId,
      sessionId: turn.sessionId,
      workspace: turn.workspace,
      startedAt: turn.startedAt,
      message: turn.message,
      model: turn.model,
      startTree: turn.startTree,
      verification: verificationOf(turn),
      reason,
      similarity,
      tokens: turn.inputTokens + turn.outputTokens,
      costUsd: turn.costUsd,
      steps: turn.steps,
      included: false,
      chosen: false,
    });
  }
  candidates.sort(
    (a, b) =>
      RANK[a.reason] - RANK[b.reason] ||
      b.similarity - a.similarity ||
      b.startedAt.getTime() - a.startedAt.getTime() ||
      a.turnId.localeCompare(b.turnId),
  );
  // with no subject, every recorded turn is as good as another: the newest are offered
  const offered = (c: ReplayCase) =>
    c.reason !== "recorded" || focus.turnIds.size + focus.commandKeys.size + focus.tools.size === 0;
  // a turn that proposed a tool cannot be replayed as it ran: a replay may not propose (replay.ts)
  const proposing = new Set(
    turns.filter((t) => t.calls.some((c) => c.tool === "propose_tool")).map((t) => t.turnId),
  );
  let taken = 0;
  for (const c of candidates) {
    const choice = opts.choices?.get(c.turnId);
    if (choice !== undefined) {
      c.included = choice;
      c.chosen = true;
    } else if (offered(c) && !proposing.has(c.turnId) && taken < limit) {
      c.included = true;
    }
    if (c.included) taken += 1;
  }
  return candidates;
}

/** The cases an evaluation runs: the included ones, in the set's order, up to `k`. */
export function casesToRun(set: readonly ReplayCase[], k: number): ReplayCase[] {
  return set.filter((c) => c.included).slice(0, k);
}
