import type { CallRow } from "@/lib/db/queries/telemetry";
import type { ActivityRow } from "./activity";
import type { Cell } from "./export";
import type { TelemetryOverview } from "./types";

/** The exportable tables of the overview, as columns and rows (CSV) or objects (JSON). */
export const DATASETS = ["tools", "daily", "commands", "versions", "learning", "calls", "activity"] as const;
export type Dataset = (typeof DATASETS)[number];

export interface Table {
  columns: string[];
  rows: Cell[][];
}

export function overviewTable(
  overview: TelemetryOverview,
  dataset: Exclude<Dataset, "calls" | "activity">,
): Table {
  switch (dataset) {
    case "tools":
      return {
        columns: [
          "tool",
          "origin",
          "version",
          "calls",
          "successes",
          "failures",
          "successRate",
          "commandFailures",
          "p50Ms",
          "p95Ms",
          "lastUsedAt",
          "topErrorClasses",
          "failing",
          "unused",
          "regressed",
        ],
        rows: overview.tools.map((t) => [
          t.tool,
          t.origin,
          t.version,
          t.calls,
          t.successes,
          t.failures,
          round(t.successRate),
          t.commandFailures,
          t.p50Ms,
          t.p95Ms,
          t.lastUsedAt,
          t.errorClasses.map((e) => `${e.errorClass}:${e.calls}`).join(" "),
          t.flags.failing,
          t.flags.unused,
          t.flags.regressed,
        ]),
      };
    case "daily": {
      const classes = [...new Set(overview.daily.flatMap((d) => Object.keys(d.byClass)))].sort();
      return {
        columns: ["day", "calls", "successes", "failed", "p50Ms", "p95Ms", ...classes],
        rows: overview.daily.map((d) => [
          d.day,
          d.calls,
          d.successes,
          d.failed,
          d.p50Ms,
          d.p95Ms,
          ...classes.map((c) => d.byClass[c] ?? 0),
        ]),
      };
    }
    case "commands":
      return {
        columns: ["command", "calls", "failures", "failureRate"],
        rows: overview.commands.map((c) => [c.command, c.calls, c.failures, round(c.failureRate)]),
      };
    case "versions":
      return {
        columns: [
          "tool",
          "version",
          "parent",
          "calls",
          "successRate",
          "p50Ms",
          "p95Ms",
          "parentCalls",
          "parentSuccessRate",
          "parentP50Ms",
          "parentP95Ms",
          "regressed",
          "improved",
          "verdict",
        ],
        rows: overview.versions.map((v) => [
          v.tool,
          v.current.version,
          v.parent?.version ?? null,
          v.current.calls,
          round(v.current.successRate),
          v.current.p50Ms,
          v.current.p95Ms,
          v.parent?.calls ?? null,
          round(v.parent?.successRate ?? null),
          v.parent?.p50Ms ?? null,
          v.parent?.p95Ms ?? null,
          v.regressed,
          v.improved,
          v.verdict,
        ]),
      };
    case "learning": {
      const l = overview.learning;
      const s = overview.spend;
      const rows: Cell[][] = [
        ["sessions", s.sessions],
        ["completedTasks", s.completedTasks],
        ["costUsd", round(s.costUsd, 6)],
        ["costPerSession", round(s.costPerSession, 6)],
        ["costPerCompletedTask", round(s.costPerTask, 6)],
        ["tokensPerSession", round(s.tokensPerSession, 1)],
        ["tokensPerCompletedTask", round(s.tokensPerTask, 1)],
        ["reflectionCoverage", round(l.reflection.coverage)],
        ["frictionToToolRate", round(l.friction.rate)],
        ["workingMemoryItemsUsed", l.workingMemory.used],
        ...Object.entries(l.perSessionBySource).map(([source, n]): Cell[] => [
          `learningEventsPerSession.${source}`,
          round(n),
        ]),
        ...l.skills.map((k): Cell[] => [`skillLoads.${k.skill}`, k.loaded]),
      ];
      return { columns: ["metric", "value"], rows };
    }
  }
}

export const CALL_COLUMNS = [
  "createdAt",
  "tool",
  "toolVersion",
  "sessionId",
  "turnId",
  "callId",
  "inputSummary",
  "ok",
  "exitCode",
  "errorClass",
  "durationMs",
  "outputBytes",
  "commandKey",
  "stepTokens",
  "errorMessage",
] as const;

export function callCells(call: CallRow): Cell[] {
  return CALL_COLUMNS.map((c) => call[c]);
}

/** The activity stream's rows; `data` (each kind's own fields) as JSON. */
export const ACTIVITY_COLUMNS = [
  "at",
  "kind",
  "id",
  "sessionId",
  "sessionTitle",
  "turnId",
  "summary",
  "data",
] as const;

export function activityCells(row: ActivityRow): Cell[] {
  return [
    row.at,
    row.kind,
    row.id,
    row.sessionId,
    row.sessionTitle,
    row.turnId,
    row.summary,
    JSON.stringify(row.data),
  ];
}

function round(value: number | null, digits = 4): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
