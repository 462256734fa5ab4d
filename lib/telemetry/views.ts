/**
 * What the telemetry routes answer (app/api/telemetry/**; the export streams CSV or JSON of the
 * same rows). The types are the contract the browser reads: components import them with
 * `import type`, so a change here breaks their build.
 */
import type { CallRow } from "@/lib/db/queries/telemetry";
import type { CommandStat, DailyPoint, TelemetryOverview, ToolStats } from "./types";

export type { ActivityKind, ActivityPage, ActivityRow } from "./activity";
export type {
  CommandStat,
  DailyPoint,
  HypothesisCard,
  LearningHealth,
  SpendHealth,
  TelemetryOverview,
  TierSpend,
  ToolFlags,
  ToolHealth,
  ToolStats,
  VersionScorecard,
  VersionStats,
} from "./types";
/** One recorded tool call, as the drill-down, the export and a tool version's detail read it. */
export type { CallRow as ToolCallRow };

/** GET /api/telemetry/tools: the contract's per-tool figures. */
export interface TelemetryTools {
  tools: ToolStats[];
}

/** GET /api/telemetry/daily. */
export type TelemetryDaily = Pick<TelemetryOverview, "range"> & { days: DailyPoint[] };

/** GET /api/telemetry/commands. */
export interface TelemetryCommands {
  commands: CommandStat[];
}

/** GET /api/telemetry/learning. */
export type TelemetryLearning = Pick<TelemetryOverview, "range" | "learning" | "spend">;

/** GET /api/telemetry/versions. */
export type TelemetryVersions = Pick<TelemetryOverview, "versions" | "hypotheses">;

/** GET /api/telemetry/tools/:tool/daily. */
export interface ToolDaily {
  tool: string;
  days: DailyPoint[];
}

/** GET /api/telemetry/tools/:tool/calls: newest first. */
export interface ToolCallsPage {
  calls: CallRow[];
  /** Pass as ?cursor= for the next (older) page; null at the end. */
  nextCursor: string | null;
}
