"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ReflectionCoverage, ReflectionItem, ReflectionStatus } from "@/lib/learning/views";
import { learningApi } from "../api-client";
import { formatAbsoluteTime, formatPercent, formatRelativeTime } from "../format";
import { PageHeader } from "../page-header";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { Input } from "../ui/input";
import { useNow } from "../use-now";
import { Badge, StatusPill } from "./badges";
import { HealthFigures } from "./health-figures";
import { ReflectionAnswers, triggerLabel } from "./reflection-parts";
import { Segmented } from "./segmented";

type Filter = "" | ReflectionStatus;

const FILTERS: ReadonlyArray<{ value: Filter; label: string; title?: string }> = [
  { value: "", label: "All" },
  { value: "success", label: "Success" },
  { value: "empty", label: "Empty", title: "The model had nothing to say" },
  { value: "error", label: "Error", title: "The reflection failed; reflect again" },
  { value: "skipped", label: "Skipped", title: "No exchange to reflect on" },
  { value: "pending", label: "Pending" },
];

const POLL_MS = 2500;
const SEARCH_DELAY_MS = 250;

function ReflectionCard({
  item,
  now,
  retrying,
  onRetry,
}: {
  item: ReflectionItem;
  now: number;
  retrying: boolean;
  onRetry(): void;
}) {
  return (
    <article
      data-testid="reflection-item"
      data-session-id={item.sessionId}
      data-status={item.status}
      aria-labelledby={`reflection-${item.id}`}
      className="flex flex-col gap-3 rounded-lg border border-line bg-panel px-5 py-4"
    >
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h2 id={`reflection-${item.id}`} className="min-w-0 font-medium text-fg">
          <Link
            href={`/sessions/${encodeURIComponent(item.sessionId)}`}
            className="underline-offset-2 hover:underline"
            data-testid="reflection-session-link"
          >
            {item.session.title || "Untitled session"}
          </Link>
        </h2>
        <StatusPill status={item.status} data-testid="reflection-status" />
        <Badge title={`Triggered ${triggerLabel(item.trigger)}`}>{triggerLabel(item.trigger)}</Badge>
        <time
          dateTime={item.updatedAt}
          title={formatAbsoluteTime(item.updatedAt)}
          className="ml-auto text-faint text-sm tabular-nums"
        >
          {formatRelativeTime(item.updatedAt, now)}
        </time>
      </header>
      {item.status === "pending" ? (
        <p className="text-muted">Reflecting on this session…</p>
      ) : item.status === "error" ? (
        <Callout tone="error" className="flex flex-wrap items-center gap-3">
          <span className="min-w-0 flex-1">The reflection failed{item.error ? `: ${item.error}` : "."}</span>
          <Button
            size="sm"
            variant="secondary"
            data-testid="reflect-again"
            disabled={retrying}
            onClick={onRetry}
          >
            {retrying ? "Queued…" : "Reflect again"}
          </Button>
        </Callout>
      ) : (
        <>
          {item.summary ? (
            <p data-testid="reflection-summary" className="text-fg">
              {item.summary}
            </p>
          ) : null}
          {item.status === "success" || item.status === "empty" ? (
            <ReflectionAnswers reflection={item} />
          ) : null}
        </>
      )}
    </article>
  );
}

function readQuery(): { status: Filter; q: string } {
  if (typeof window === "undefined") return { status: "", q: "" };
  const params = new URLSearchParams(window.location.search);
  const status = params.get("status") ?? "";
  return {
    status: FILTERS.some((f) => f.value === status) ? (status as Filter) : "",
    q: params.get("q") ?? "",
  };
}

/** Every session's reflection, filterable by status and searchable, with the coverage figure. */
export function ReflectionsScreen() {
  const now = useNow();
  const [status, setStatus] = useState<Filter>("");
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState("");
  const [items, setItems] = useState<ReflectionItem[] | null>(null);
  const [coverage, setCoverage] = useState<ReflectionCoverage | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Sessions whose reflection was re-queued, with the time of the reflection it replaces. */
  const [retrying, setRetrying] = useState<Map<string, string>>(() => new Map());
  const [healthKey, setHealthKey] = useState(0);
  const [ready, setReady] = useState(false);
  const latest = useRef(0);

  useEffect(() => {
    const initial = readQuery();
    setStatus(initial.status);
    setQuery(initial.q);
    setSearch(initial.q);
    setReady(true);
  }, []);

  useEffect(() => {
    const timer = window.setTimeout(() => setSearch(query), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [query]);

  const load = useCallback(async () => {
    const ticket = ++latest.current;
    const result = await learningApi.reflections({ status, q: search });
    if (ticket !== latest.current) return;
    if (result.ok) {
      setItems(result.data.reflections);
      setCoverage(result.data.coverage);
      setError(null);
    } else setError(result.message);
  }, [status, search]);

  useEffect(() => {
    if (!ready) return;
    void load();
    const params = new URLSearchParams();
    if (status) params.set("status", status);
    if (search.trim()) params.set("q", search.trim());
    const next = `${window.location.pathname}${params.size ? `?${params}` : ""}`;
    window.history.replaceState(window.history.state, "", next);
  }, [load, ready, status, search]);

  const pending = (items ?? []).some((i) => i.status === "pending") || retrying.size > 0;
  useEffect(() => {
    if (!pending) return;
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [pending, load]);

  // A retried reflection stops counting as "retrying" once the list shows a newer, settled one.
  useEffect(() => {
    if (!items || retrying.size === 0) return;
    const settled = [...retrying].filter(([sessionId, before]) => {
      const item = items.find((i) => i.sessionId === sessionId);
      return !item || (item.status !== "pending" && item.updatedAt !== before);
    });
    if (settled.length) {
      setRetrying((prev) => {
        const next = new Map(prev);
        for (const [id] of settled) next.delete(id);
        return next;
      });
      setHealthKey((k) => k + 1);
    }
  }, [items, retrying]);

  async function retry(item: ReflectionItem) {
    setRetrying((prev) => new Map(prev).set(item.sessionId, item.updatedAt));
    const result = await learningApi.reflect(item.sessionId);
    if (!result.ok) {
      setRetrying((prev) => {
        const next = new Map(prev);
        next.delete(item.sessionId);
        return next;
      });
      setError(`Could not queue the reflection: ${result.message}`);
      return;
    }
    window.setTimeout(() => void load(), 600);
  }

  return (
    <>
      <PageHeader
        title="Reflections"
        description="After every session, however it ends, the agent answers three questions about it: what went well, what was slow or awkward, what to do differently next time."
      />
      <div className="flex w-full max-w-6xl flex-col gap-6 px-4 md:px-8 py-6">
        <HealthFigures refreshKey={healthKey} />

        <div className="flex flex-wrap items-end gap-4">
          <Segmented<Filter>
            legend="Status"
            hideLegend
            size="sm"
            testId="reflection-filter"
            value={status}
            options={FILTERS}
            onChange={setStatus}
          />
          <search className="min-w-56 flex-1">
            <label htmlFor="reflection-search" className="sr-only">
              Search reflections
            </label>
            <Input
              id="reflection-search"
              data-testid="reflection-search"
              type="search"
              placeholder="Search summaries, answers and session titles…"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </search>
          {coverage ? (
            <p
              data-testid="reflection-coverage"
              className="text-muted text-sm"
              title="Reflected / eligible sessions; the goal is 100%"
            >
              Coverage{" "}
              <span className="font-semibold text-fg tabular-nums">{formatPercent(coverage.rate)}</span>{" "}
              <span className="text-faint tabular-nums">
                ({coverage.reflected}/{coverage.eligible})
              </span>
            </p>
          ) : null}
        </div>

        {error ? (
          <Callout tone="error" role="alert">
            {error}
          </Callout>
        ) : null}

        {items === null ? (
          <div aria-hidden="true" className="flex flex-col gap-3">
            {[0, 1, 2].map((i) => (
              <div key={i} className="h-32 animate-pulse rounded-lg bg-panel/60" />
            ))}
          </div>
        ) : items.length === 0 ? (
          <div
            data-testid="reflections-empty"
            className="rounded-lg border border-line border-dashed bg-panel/60 px-6 py-8 text-muted"
          >
            {status || search ? (
              <>No reflection matches. Clear the filter or the search.</>
            ) : (
              <>
                No reflections yet. Ending a session (the End button, or 30 idle minutes) starts one; sessions
                the server stopped mid-way are reflected on at its next start.
              </>
            )}
          </div>
        ) : (
          <div className="flex flex-col gap-3" data-testid="reflection-list">
            {items.map((item) => (
              <ReflectionCard
                key={item.id}
                item={item}
                now={now}
                retrying={retrying.has(item.sessionId)}
                onRetry={() => void retry(item)}
              />
            ))}
          </div>
        )}
      </div>
    </>
  );
}
