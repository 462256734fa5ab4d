"use client";

import Link from "next/link";
import { useRef, useState } from "react";
import { ACTIVITY_KINDS } from "@/lib/telemetry/activity";
import type { ActivityKind, ActivityPage, ActivityRow } from "@/lib/telemetry/views";
import { telemetryApi } from "../api-client";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { useNow } from "../use-now";
import { TD, TH } from "./section";

const KINDS: Record<ActivityKind, { label: string; tone: string }> = {
  tool_call: { label: "tool call", tone: "border-line-strong bg-panel-2 text-muted" },
  model_step: { label: "model step", tone: "border-indigo-400/25 bg-indigo-400/[0.08] text-indigo-300" },
  skill_load: { label: "skill", tone: "border-sky-400/20 bg-sky-400/[0.08] text-sky-300" },
  friction: { label: "friction", tone: "border-amber-400/25 bg-amber-400/[0.08] text-amber-300" },
  learning: { label: "learning", tone: "border-emerald-400/20 bg-emerald-400/[0.08] text-emerald-300" },
  reflection: { label: "reflection", tone: "border-pink-400/20 bg-pink-400/[0.08] text-pink-300" },
};

const BADGE =
  "inline-flex items-center rounded border px-1.5 py-px font-medium text-[10px] uppercase tracking-wide whitespace-nowrap";

/** As in the drill-down: red when the tool (or reflection) failed, amber when only the command did. */
function summaryTone(row: ActivityRow): string {
  if (row.kind === "tool_call" && !row.data.ok) return "text-red-300";
  if (row.kind === "tool_call" && row.data.errorClass) return "text-amber-300";
  if (row.kind === "reflection" && row.data.status === "error") return "text-red-300";
  return "text-fg";
}

/** `kinds=` only when the chips narrow the stream. */
function narrowing(kinds: ReadonlySet<ActivityKind>): ActivityKind[] | undefined {
  return kinds.size > 0 && kinds.size < ACTIVITY_KINDS.length ? [...kinds] : undefined;
}

/**
 * Everything recorded in the range as one stream, newest first: the first page comes from the
 * server; the kind chips and "Load older" read the activity API.
 */
export function ActivityFeed({
  range,
  pageSize,
  initial,
}: {
  range: string;
  pageSize: number;
  initial: ActivityPage;
}) {
  const now = useNow();
  const [kinds, setKinds] = useState<ReadonlySet<ActivityKind>>(() => new Set(ACTIVITY_KINDS));
  const [rows, setRows] = useState<ActivityRow[] | null>(initial.rows);
  const [cursor, setCursor] = useState(initial.nextCursor);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // the request in flight: a chip change abandons it, so a late answer cannot land in the wrong list
  const inflight = useRef<AbortController | null>(null);

  async function fetchPage(selected: ReadonlySet<ActivityKind>, after: string | null) {
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    const result = await telemetryApi
      .activity({ range, limit: pageSize, kinds: narrowing(selected), cursor: after }, controller.signal)
      .catch(() => null);
    if (!result || controller.signal.aborted) return;
    setLoadingMore(false);
    if (!result.ok) return setError(result.message);
    setRows((prev) => (after ? [...(prev ?? []), ...result.data.rows] : result.data.rows));
    setCursor(result.data.nextCursor);
  }

  function toggle(kind: ActivityKind) {
    const next = new Set(kinds);
    if (!next.delete(kind)) next.add(kind);
    setKinds(next);
    setError(null);
    setCursor(null);
    setLoadingMore(false);
    if (next.size === 0) {
      inflight.current?.abort();
      return setRows([]);
    }
    setRows(null);
    void fetchPage(next, null);
  }

  function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    void fetchPage(kinds, cursor);
  }

  const csv = telemetryApi.exportHref({ dataset: "activity", format: "csv", range, kinds: narrowing(kinds) });

  return (
    <div className="overflow-hidden rounded-lg border border-line bg-panel" data-testid="activity">
      <header className="flex flex-wrap items-center justify-between gap-3 border-line border-b px-4 py-3">
        <fieldset
          className="flex flex-wrap rounded-md border border-line bg-panel-2 p-0.5"
          aria-label="Kinds shown"
        >
          {ACTIVITY_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              data-testid={`activity-kind-${kind}`}
              aria-pressed={kinds.has(kind)}
              onClick={() => toggle(kind)}
              className={cn(
                "rounded px-2.5 py-1 text-sm",
                kinds.has(kind) ? "bg-hover text-fg" : "text-muted hover:text-fg",
              )}
            >
              {KINDS[kind].label}
            </button>
          ))}
        </fieldset>
        <a className="text-accent-text text-sm hover:underline" href={csv} download>
          CSV
        </a>
      </header>
      {error ? (
        <Callout tone="error" role="alert" className="m-4">
          Could not load the activity: {error}
        </Callout>
      ) : rows === null ? (
        <div className="m-4 h-24 animate-pulse rounded-md bg-panel-2/60" />
      ) : rows.length === 0 ? (
        <p className="px-4 py-6 text-muted" data-testid="activity-empty">
          {kinds.size === 0 ? "Select a kind to list its activity." : "Nothing recorded in this range."}
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left" data-testid="activity-rows">
            <caption className="sr-only">
              Tool calls, model steps, skills, frictions, learnings and reflections, newest first
            </caption>
            <thead className="border-line border-b">
              <tr>
                <th scope="col" className={TH}>
                  When
                </th>
                <th scope="col" className={TH}>
                  Kind
                </th>
                <th scope="col" className={TH}>
                  What
                </th>
                <th scope="col" className={TH}>
                  Session
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={`${row.kind}:${row.id}`}
                  data-testid="activity-row"
                  data-kind={row.kind}
                  className="border-line border-b last:border-b-0"
                >
                  <td className={cn(TD, "whitespace-nowrap text-muted text-sm tabular-nums")}>
                    <time dateTime={row.at} title={formatAbsoluteTime(row.at)}>
                      {formatRelativeTime(row.at, now)}
                    </time>
                  </td>
                  <td className={TD}>
                    <span className={cn(BADGE, KINDS[row.kind].tone)}>{KINDS[row.kind].label}</span>
                  </td>
                  <td className={cn(TD, "max-w-xl truncate text-sm", summaryTone(row))} title={row.summary}>
                    {row.summary}
                  </td>
                  <td className={cn(TD, "max-w-56 truncate text-sm")}>
                    {row.sessionId ? (
                      <Link
                        href={`/sessions/${row.sessionId}`}
                        title={row.sessionTitle ?? row.sessionId}
                        className="text-accent-text hover:underline"
                      >
                        {row.sessionTitle || (
                          <span className="font-mono text-xs">{row.sessionId.slice(-8)}</span>
                        )}
                      </Link>
                    ) : (
                      <span className="text-faint">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor ? (
            <div className="border-line border-t px-4 py-2">
              <Button size="sm" onClick={loadMore} disabled={loadingMore} data-testid="activity-more">
                {loadingMore ? "Loading…" : "Load older activity"}
              </Button>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}
