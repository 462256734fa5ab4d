"use client";

import { useEffect, useState } from "react";
import { apiRequest } from "../api-client";
import type { ToolTelemetry } from "../api-types";
import { EmptyState } from "../empty-state";
import { formatAbsoluteTime, formatDuration, formatPercent, formatRelativeTime } from "../format";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { useNow } from "../use-now";

function successRatio(row: ToolTelemetry): number | null {
  if (row.calls > 0 && Number.isFinite(row.successes)) return row.successes / row.calls;
  if (typeof row.successRate === "number")
    return row.successRate > 1 ? row.successRate / 100 : row.successRate;
  return null;
}

function rateClass(ratio: number | null): string {
  if (ratio === null) return "text-faint";
  if (ratio >= 0.95) return "text-emerald-300";
  if (ratio >= 0.8) return "text-amber-300";
  return "text-red-300";
}

const TH = "h-9 px-4 font-medium text-faint text-xs uppercase tracking-wide";
const TD = "h-11 px-4";

export function ToolTelemetryTable() {
  const [rows, setRows] = useState<ToolTelemetry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    void apiRequest<{ tools: ToolTelemetry[] }>("/api/telemetry/tools").then((result) => {
      if (result.ok) setRows(Array.isArray(result.data?.tools) ? result.data.tools : []);
      else setError(result.message);
    });
  }, []);

  if (error) {
    return (
      <Callout tone="error" role="alert">
        Could not load telemetry: {error}
      </Callout>
    );
  }
  if (rows === null) return <div aria-hidden="true" className="h-40 animate-pulse rounded-lg bg-panel/60" />;
  if (rows.length === 0) {
    return (
      <EmptyState title="No tool calls yet">
        <p data-testid="telemetry-empty">
          No tool calls recorded yet. Run a session; every tool call is recorded here.
        </p>
      </EmptyState>
    );
  }

  const sorted = [...rows].sort((a, b) => b.calls - a.calls);
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-panel">
      <table className="w-full border-collapse text-left" data-testid="telemetry-table">
        <caption className="sr-only">Tool calls by tool</caption>
        <thead className="border-line border-b">
          <tr>
            <th scope="col" className={TH}>
              Tool
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Calls
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Success
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              p50
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              p95
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Last used
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => {
            const ratio = successRatio(row);
            return (
              <tr key={row.tool} data-testid="telemetry-row" className="border-line border-b last:border-b-0">
                <th scope="row" className={cn(TD, "font-medium font-mono text-fg text-sm")}>
                  {row.tool}
                </th>
                <td className={cn(TD, "text-right text-fg tabular-nums")}>{row.calls.toLocaleString()}</td>
                <td className={cn(TD, "text-right tabular-nums")}>
                  <span className={rateClass(ratio)}>{formatPercent(ratio)}</span>
                  {row.failures > 0 ? (
                    <span className="ml-2 text-faint text-xs">{row.failures.toLocaleString()} failed</span>
                  ) : null}
                </td>
                <td className={cn(TD, "text-right text-muted tabular-nums")}>{formatDuration(row.p50Ms)}</td>
                <td className={cn(TD, "text-right text-muted tabular-nums")}>{formatDuration(row.p95Ms)}</td>
                <td className={cn(TD, "text-right text-muted tabular-nums")}>
                  <time dateTime={row.lastUsedAt ?? undefined} title={formatAbsoluteTime(row.lastUsedAt)}>
                    {formatRelativeTime(row.lastUsedAt, now)}
                  </time>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
