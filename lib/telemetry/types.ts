/** Response shapes of the telemetry API and the page's props. Plain data: safe to import in client code. */

/** "mcp": a tool of an MCP server (its calls are recorded with `toolVersion: "mcp:<server>"`). */
export type ToolOrigin = "builtin" | "agent" | "user" | "mcp";

/** The contract's per-tool row (GET /api/telemetry/tools); the health table adds to it. */
export interface ToolStats {
  tool: string;
  calls: number;
  successes: number;
  failures: number;
  successRate: number;
  p50Ms: number;
  p95Ms: number;
  lastUsedAt: string | null;
}

export interface ToolFlags {
  /**
   * More than 30 % of its calls in the range failed: with at least 5 calls for a built-in, with any
   * for an agent- or user-written tool (trial calls before approval included).
   */
  failing: boolean;
  /** Not called in any of the last N agent sessions although it existed before them. */
  unused: boolean;
  /** Its current version does worse than the version it replaced (see VersionScorecard.regressed). */
  regressed: boolean;
}

export interface ToolHealth extends ToolStats {
  origin: ToolOrigin | null;
  /** "builtin", or the current version ("v3"). */
  version: string | null;
  status: string | null;
  /** Calls whose command ran but exited non-zero (or was refused by the sandbox): the command's failure, not the tool's. */
  commandFailures: number;
  errorClasses: { errorClass: string; calls: number }[];
  flags: ToolFlags;
}

export interface DailyPoint {
  day: string;
  calls: number;
  successes: number;
  /** Calls with any error class (tool failures and failed commands). */
  failed: number;
  p50Ms: number | null;
  p95Ms: number | null;
  byClass: Record<string, number>;
  /** [calls, successes] per tool. */
  byTool: Record<string, [number, number]>;
}

export interface CommandStat {
  command: string;
  calls: number;
  failures: number;
  failureRate: number;
}

export interface VersionStats {
  version: string;
  calls: number;
  successes: number;
  successRate: number | null;
  /** Share of calls with any error class (includes failed commands). */
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  firstAt: string | null;
  lastAt: string | null;
}

export interface VersionScorecard {
  tool: string;
  origin: ToolOrigin | null;
  current: VersionStats;
  /** The version it replaced (its parent), when there is one. */
  parent: VersionStats | null;
  status: string | null;
  /** Success rate lower by ≥ 5 points (significant at 95 %), or median ≥ 50 % slower, with ≥ 20 calls each. */
  regressed: boolean;
  improved: boolean;
  /** Why it counts as regressed or improved, in words. */
  verdict: string;
}

export interface LearningHealth {
  sessions: number;
  /** Learning events per session by source (agent | detector | user), and per day. */
  perSessionBySource: Record<string, number>;
  learningByDay: { day: string; bySource: Record<string, number> }[];
  reflection: { eligible: number; reflected: number; failed: number; coverage: number | null };
  friction: {
    total: number;
    converted: number;
    pending: number;
    rate: number | null;
    byKind: Record<string, number>;
  };
  skills: { skill: string; suggested: number; loaded: number }[];
  workingMemory: {
    learningEvents: number;
    used: number;
    uses: number;
    version: number | null;
    items: number;
    updatedAt: string | null;
  };
}

/** Spend on one model tier (lib/agent/tiers.ts); `untiered`: steps taken without tiers set. */
export interface TierSpend {
  tier: "fast" | "strong" | "untiered";
  models: string[];
  steps: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costPerStep: number | null;
}

export interface SpendHealth {
  sessions: number;
  completedTasks: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  tokensPerSession: number | null;
  costPerSession: number | null;
  tokensPerTask: number | null;
  costPerTask: number | null;
  daily: {
    day: string;
    sessions: number;
    completedTasks: number;
    tokens: number;
    costUsd: number;
    costPerSession: number | null;
    costPerTask: number | null;
  }[];
  /** Cost, tokens and steps per model tier, from the model steps in the range. */
  byTier: TierSpend[];
}

export interface HypothesisCard {
  id: string;
  claim: string;
  subjectType: string;
  subjectRef: string;
  /** "apply_patch v3" when the subject is a known tool version. */
  subject: string;
  metric: string;
  comparator: string;
  baseline: number | null;
  target: number;
  observed: number | null;
  verdict: string;
  startedAt: string;
  evaluatedAt: string | null;
  /** Live before/after from the calls, for tool-version subjects. */
  scorecard: VersionScorecard | null;
}

export interface TelemetryOverview {
  range: { since: string; until: string; preset: string | null; days: string[] };
  generatedAt: string;
  totals: { calls: number; successes: number; failures: number; commandFailures: number; tools: number };
  settings: { unusedAfterSessions: number; failingAbove: number; recentSessions: number };
  tools: ToolHealth[];
  daily: DailyPoint[];
  commands: CommandStat[];
  versions: VersionScorecard[];
  learning: LearningHealth;
  spend: SpendHealth;
  hypotheses: HypothesisCard[];
}
