"use client";

import { useCallback, useState } from "react";
import type { ToolHealth } from "@/lib/telemetry/views";
import { formatAbsoluteTime, formatDuration, formatPercent, formatRelativeTime } from "../format";
import { cn } from "../ui/cn";
import { useNow } from "../use-now";
import { ToolDrillDown } from "./drill-down";
import { FlagBadges } from "./flags";
import { rateTone, TD, TH } from "./section";

/**
 * The tool health table. Selecting a row opens its drill-down below (and puts ?tool= in the URL,
 * so a reload or a shared link opens the same tool).
 */
export function ToolHealthTable({
  tools,
  range,
  initialTool,
  unusedAfterSessions,
}: {
  tools: ToolHealth[];
  range: string;
  initialTool: string | null;
  unusedAfterSessions: number;
}) {
  const now = useNow();
  const [selected, setSelected] = useState<string | null>(
    initialTool && tools.some((t) => t.tool === initialTool) ? initialTool : null,
  );
  const select = useCallback((tool: string | null) => {
    setSelected(tool);
    const url = new URL(window.location.href);
    if (tool) url.searchParams.set("tool", tool);
    else url.searchParams.delete("tool");
    window.history.replaceState(window.history.state, "", url);
  }, []);
  const current = tools.find((t) => t.tool === selected) ?? null;

  return (
    <div className="space-y-4">
      <div className="overflow-x-auto rounded-lg border border-line bg-panel">
        <table className="w-full border-collapse text-left" data-testid="telemetry-table">
          <caption className="sr-only">Tool health: select a tool to list its calls</caption>
          <thead className="border-line border-b">
            <tr>
              <th scope="col" className={TH}>
                Tool
              </th>
              <th scope="col" className={TH}>
                Version
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
              <th scope="col" className={TH}>
                Top errors
              </th>
              <th scope="col" className={cn(TH, "text-right")}>
                Last used
              </th>
              <th scope="col" className={TH}>
                Flags
              </th>
            </tr>
          </thead>
          <tbody>
            {tools.map((row) => {
              const ratio = row.calls > 0 ? row.successes / row.calls : null;
              const active = row.tool === selected;
              return (
                <tr
                  key={row.tool}
                  data-testid="telemetry-row"
                  data-tool={row.tool}
                  className={cn(
                    "border-line border-b last:border-b-0",
                    active ? "bg-hover" : "hover:bg-hover/50",
                  )}
                >
                  <th scope="row" className={cn(TD, "font-medium font-mono text-fg text-sm")}>
                    <button
                      type="button"
                      data-testid={`tool-select-${row.tool}`}
                      aria-expanded={active}
                      onClick={() => select(active ? null : row.tool)}
                      className="text-left hover:text-accent-text focus-visible:text-accent-text focus-visible:outline-none"
                    >
                      {row.tool}
                    </button>
                  </th>
                  <td className={cn(TD, "whitespace-nowrap text-muted text-sm")}>
                    <span className="font-mono">{row.version ?? "—"}</span>
                    {row.origin && row.origin !== "builtin" ? (
                      <span className="ml-1.5 text-faint text-xs">{row.origin}</span>
                    ) : null}
                  </td>
                  <td className={cn(TD, "text-right text-fg tabular-nums")} data-testid="cell-calls">
                    {row.calls.toLocaleString()}
                  </td>
                  <td
                    className={cn(TD, "whitespace-nowrap text-right tabular-nums")}
                    data-testid="cell-success"
                  >
                    <span className={rateTone(ratio)}>{formatPercent(ratio)}</span>
                    {row.failures > 0 ? (
                      <span className="ml-2 text-faint text-xs">{row.failures.toLocaleString()} failed</span>
                    ) : null}
                    {row.commandFailures > 0 ? (
                      <span
                        className="ml-2 text-amber-300/80 text-xs"
                        title="Commands that ran and exited non-zero (or were refused by the sandbox): the command failed, not the tool"
                      >
                        {row.commandFailures.toLocaleString()} exit≠0
                      </span>
                    ) : null}
                  </td>
                  <td className={cn(TD, "text-right text-muted tabular-nums")}>
                    {row.calls ? formatDuration(row.p50Ms) : "—"}
                  </td>
                  <td className={cn(TD, "text-right text-muted tabular-nums")}>
                    {row.calls ? formatDuration(row.p95Ms) : "—"}
                  </td>
                  <td className={cn(TD, "max-w-56 truncate text-muted text-xs")}>
                    {row.errorClasses
                      .slice(0, 2)
                      .map((e) => `${e.errorClass.replace("_", " ")} ${e.calls.toLocaleString()}`)
                      .join(" · ") || "—"}
                  </td>
                  <td className={cn(TD, "whitespace-nowrap text-right text-muted tabular-nums")}>
                    <time
                      dateTime={row.lastUsedAt ?? undefined}
                      title={formatAbsoluteTime(row.lastUsedAt)}
                      // relative to the clock of whoever renders it: the server, then the browser
                      suppressHydrationWarning
                    >
                      {formatRelativeTime(row.lastUsedAt, now)}
                    </time>
                  </td>
                  <td className={TD}>
                    <FlagBadges flags={row.flags} unusedAfterSessions={unusedAfterSessions} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {current ? (
        <ToolDrillDown
          key={`${current.tool}:${range}`}
          tool={current}
          range={range}
          unusedAfterSessions={unusedAfterSessions}
          onClose={() => select(null)}
        />
      ) : null}
    </div>
  );
}
