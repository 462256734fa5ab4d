"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { DailyPoint, ToolCallRow, ToolHealth } from "@/lib/telemetry/views";
import { telemetryApi } from "../api-client";
import { ErrorText } from "../error-text";
import {
  formatAbsoluteTime,
  formatBytes,
  formatDuration,
  formatPercent,
  formatRelativeTime,
  formatTokens,
} from "../format";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { useNow } from "../use-now";
import { FlagBadges } from "./flags";
import { TD, TH } from "./section";

const ToolDailyChart = dynamic(() => import("./tool-daily-chart"), {
  ssr: false,
  loading: () => <div className="h-44 animate-pulse rounded-md bg-panel-2/60" />,
});

type Filter = "all" | "failed";
const PAGE = 50;

function resultOf(call: ToolCallRow): { label: string; tone: string } {
  if (!call.ok) return { label: call.errorClass?.replace("_", " ") ?? "error", tone: "text-red-300" };
  if (call.errorClass) {
    const code = call.exitCode !== null ? `exit ${call.exitCode}` : call.errorClass.replace("_", " ");
    return {
      label: call.errorClass === "sandbox_denial" ? `${code} · sandbox` : code,
      tone: "text-amber-300",
    };
  }
  return { label: call.exitCode !== null ? `exit ${call.exitCode}` : "ok", tone: "text-emerald-300" };
}

/** One tool's calls in the range, newest first (failures only on request), and its day-by-day chart. */
export function ToolDrillDown({
  tool,
  range,
  unusedAfterSessions,
  onClose,
}: {
  tool: ToolHealth;
  range: string;
  unusedAfterSessions: number;
  onClose: () => void;
}) {
  const now = useNow();
  const [filter, setFilter] = useState<Filter>(
    tool.failures + tool.commandFailures > 0 && tool.calls > 50 ? "failed" : "all",
  );
  const [calls, setCalls] = useState<ToolCallRow[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [daily, setDaily] = useState<DailyPoint[] | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setCalls(null);
    setError(null);
    void telemetryApi
      .toolCalls(tool.tool, { range, limit: PAGE, failed: filter === "failed" }, controller.signal)
      .then((result) => {
        if (!result.ok) return setError(result.message);
        setCalls(result.data.calls);
        setCursor(result.data.nextCursor);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [tool.tool, range, filter]);

  useEffect(() => {
    const controller = new AbortController();
    void telemetryApi
      .toolDaily(tool.tool, range, controller.signal)
      .then((result) => {
        if (result.ok) setDaily(result.data.days);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [tool.tool, range]);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    const result = await telemetryApi.toolCalls(tool.tool, {
      range,
      limit: PAGE,
      failed: filter === "failed",
      cursor,
    });
    setLoadingMore(false);
    if (!result.ok) return setError(result.message);
    setCalls((prev) => [...(prev ?? []), ...result.data.calls]);
    setCursor(result.data.nextCursor);
  }

  const ratio = tool.calls ? tool.successes / tool.calls : null;
  return (
    <section
      aria-label={`${tool.tool} calls`}
      data-testid="drilldown"
      data-tool={tool.tool}
      className="rounded-lg border border-line-strong bg-panel"
    >
      <header className="flex flex-wrap items-center justify-between gap-3 border-line border-b px-4 py-3">
        <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
          <h3 className="font-medium font-mono text-fg text-lg">{tool.tool}</h3>
          <span className="text-muted text-sm">
            {tool.version ?? "—"} · {tool.calls.toLocaleString()} calls · {formatPercent(ratio)} ok
            {tool.commandFailures ? ` · ${tool.commandFailures.toLocaleString()} exit≠0` : ""} · p50{" "}
            {formatDuration(tool.p50Ms)} · p95 {formatDuration(tool.p95Ms)}
          </span>
          <FlagBadges flags={tool.flags} unusedAfterSessions={unusedAfterSessions} />
        </div>
        <div className="flex items-center gap-2">
          <fieldset className="flex rounded-md border border-line bg-panel-2 p-0.5" aria-label="Which calls">
            {(["all", "failed"] as const).map((f) => (
              <button
                key={f}
                type="button"
                data-testid={`drilldown-filter-${f}`}
                aria-pressed={filter === f}
                onClick={() => setFilter(f)}
                className={cn(
                  "rounded px-2.5 py-1 text-sm",
                  filter === f ? "bg-hover text-fg" : "text-muted hover:text-fg",
                )}
              >
                {f === "all" ? "All calls" : "Failures"}
              </button>
            ))}
          </fieldset>
          <a
            className="text-accent-text text-sm hover:underline"
            href={telemetryApi.exportHref({
              dataset: "calls",
              format: "csv",
              range,
              tool: tool.tool,
              failed: filter === "failed",
            })}
            download
          >
            CSV
          </a>
          <Button size="sm" variant="ghost" onClick={onClose} aria-label="Close the drill-down">
            Close
          </Button>
        </div>
      </header>
      <div className="border-line border-b px-4 py-3">
        {daily ? (
          <ToolDailyChart days={daily} />
        ) : (
          <div className="h-44 animate-pulse rounded-md bg-panel-2/60" />
        )}
      </div>
      {error ? (
        <Callout tone="error" role="alert" className="m-4">
          Could not load the calls: {error}
        </Callout>
      ) : calls === null ? (
        <div className="m-4 h-24 animate-pulse rounded-md bg-panel-2/60" />
      ) : calls.length === 0 ? (
        <p className="px-4 py-6 text-muted" data-testid="drilldown-empty">
          {filter === "failed" ? "No failed calls in this range." : "No calls in this range."}
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left" data-testid="drilldown-calls">
            <thead className="border-line border-b">
              <tr>
                <th scope="col" className={TH}>
                  When
                </th>
                <th scope="col" className={TH}>
                  Input
                </th>
                <th scope="col" className={TH}>
                  Result
                </th>
                <th scope="col" className={cn(TH, "text-right")}>
                  Duration
                </th>
                <th scope="col" className={cn(TH, "text-right")}>
                  Output
                </th>
                <th scope="col" className={cn(TH, "text-right")}>
                  Step tokens
                </th>
                <th scope="col" className={TH}>
                  Session
                </th>
              </tr>
            </thead>
            <tbody>
              {calls.map((call) => {
                const result = resultOf(call);
                return (
                  <tr
                    key={call.id}
                    data-testid="drilldown-call"
                    data-failed={call.errorClass ? "true" : "false"}
                    className="border-line border-b last:border-b-0"
                  >
                    <td className={cn(TD, "whitespace-nowrap text-muted text-sm tabular-nums")}>
                      <time dateTime={call.createdAt} title={formatAbsoluteTime(call.createdAt)}>
                        {formatRelativeTime(call.createdAt, now)}
                      </time>
                    </td>
                    <td
                      className={cn(TD, "max-w-md truncate font-mono text-fg text-xs")}
                      title={call.inputSummary}
                    >
                      {call.inputSummary || <span className="text-faint">—</span>}
                      {call.toolVersion !== "builtin" ? (
                        <span className="ml-2 text-faint">{call.toolVersion}</span>
                      ) : null}
                    </td>
                    <td className={cn(TD, "max-w-sm text-sm")} data-testid="drilldown-result">
                      <span className={cn("whitespace-nowrap", result.tone)}>{result.label}</span>
                      {call.errorMessage ? (
                        <ErrorText data-testid="drilldown-error" text={call.errorMessage} />
                      ) : null}
                    </td>
                    <td className={cn(TD, "text-right text-muted text-sm tabular-nums")}>
                      {formatDuration(call.durationMs)}
                    </td>
                    <td
                      className={cn(TD, "text-right text-muted text-sm tabular-nums")}
                      data-testid="drilldown-bytes"
                      title={
                        call.outputBytes === null
                          ? "Not known: the call did not run, or was recorded before its size was"
                          : undefined
                      }
                    >
                      {formatBytes(call.outputBytes)}
                    </td>
                    <td className={cn(TD, "text-right text-muted text-sm tabular-nums")}>
                      {call.stepTokens === null ? "—" : formatTokens(call.stepTokens)}
                    </td>
                    <td className={cn(TD, "text-sm")}>
                      <Link
                        href={`/sessions/${call.sessionId}`}
                        className="font-mono text-accent-text text-xs hover:underline"
                      >
                        {call.sessionId.slice(-8)}
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {cursor ? (
            <div className="border-line border-t px-4 py-2">
              <Button
                size="sm"
                onClick={() => void loadMore()}
                disabled={loadingMore}
                data-testid="drilldown-more"
              >
                {loadingMore ? "Loading…" : "Load older calls"}
              </Button>
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
