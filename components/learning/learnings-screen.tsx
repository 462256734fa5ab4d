"use client";

import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { LearningEvent, LearningSource, LearningType } from "@/lib/learning/views";
import type { SessionSummary } from "@/lib/sessions/views";
import { learningApi, sessionsApi } from "../api-client";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { PageHeader } from "../page-header";
import { Button } from "../ui/button";
import { Callout } from "../ui/callout";
import { cn } from "../ui/cn";
import { Input } from "../ui/input";
import { useNow } from "../use-now";
import { Badge, type Tone } from "./badges";
import { LearningDialog } from "./learning-dialog";
import { Segmented } from "./segmented";

const TYPE_TONES: Record<LearningType, Tone> = { correction: "warn", preference: "accent", pattern: "info" };
const SOURCE_TITLES: Record<LearningSource, string> = {
  agent: "Logged by the agent with log_learning_event",
  detector: "Found by the harness in a user message (a correction or a preference)",
  user: "Marked by a person",
};

type TypeFilter = "" | LearningType;
type SourceFilter = "" | LearningSource;

function LearningRow({
  event,
  sessionTitle,
  now,
  highlighted,
  onEdit,
  onDelete,
}: {
  event: LearningEvent;
  sessionTitle: string | null;
  now: number;
  highlighted: boolean;
  onEdit(): void;
  onDelete(): Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <li
      id={`learning-${event.id}`}
      data-testid="learning-event"
      data-source={event.source}
      data-type={event.type}
      className={cn(
        "flex scroll-mt-6 flex-col gap-2 border-line border-b px-5 py-4 transition-colors last:border-b-0",
        highlighted && "bg-accent/[0.06] ring-1 ring-accent/40 ring-inset",
      )}
    >
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={TYPE_TONES[event.type] ?? "neutral"} data-testid="learning-type-badge">
          {event.type}
        </Badge>
        <Badge title={SOURCE_TITLES[event.source]} data-testid="learning-source">
          {event.source}
        </Badge>
        <time
          dateTime={event.createdAt}
          title={formatAbsoluteTime(event.createdAt)}
          className="text-faint text-sm tabular-nums"
        >
          {formatRelativeTime(event.createdAt, now)}
        </time>
        {event.sessionId ? (
          <Link
            href={`/sessions/${encodeURIComponent(event.sessionId)}`}
            data-testid="learning-session-link"
            className="min-w-0 truncate text-accent-text text-sm underline-offset-2 hover:underline"
          >
            {sessionTitle ?? `session ${event.sessionId.slice(0, 10)}`}
          </Link>
        ) : null}
        <span className="ml-auto flex items-center gap-1">
          {confirming ? (
            <>
              <span className="text-muted text-sm">Delete?</span>
              <Button
                size="sm"
                variant="danger"
                data-testid="learning-delete-confirm"
                disabled={busy}
                onClick={async () => {
                  setBusy(true);
                  await onDelete();
                  setBusy(false);
                  setConfirming(false);
                }}
              >
                Delete
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
                Keep
              </Button>
            </>
          ) : (
            <>
              <Button size="sm" variant="ghost" data-testid="learning-edit" onClick={onEdit}>
                Edit
              </Button>
              <Button
                size="sm"
                variant="ghost"
                data-testid="learning-delete"
                className="hover:text-red-200"
                onClick={() => setConfirming(true)}
              >
                Delete
              </Button>
            </>
          )}
        </span>
      </div>
      <p data-testid="learning-description-text" className="whitespace-pre-wrap break-words text-fg">
        {event.description}
      </p>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
        <span
          data-testid="learning-used"
          className={event.usedCount > 0 ? "text-emerald-300/90" : "text-faint"}
          title={
            event.lastUsedAt
              ? `Last included ${formatAbsoluteTime(event.lastUsedAt)}`
              : "Not in any prompt yet"
          }
        >
          {event.usedCount > 0
            ? `reached ${event.usedCount} ${event.usedCount === 1 ? "prompt" : "prompts"}, last ${formatRelativeTime(event.lastUsedAt, now)}`
            : "not in a prompt yet"}
        </span>
        <span
          data-testid="learning-recurred"
          className={event.recurred > 0 ? "text-amber-300" : "text-faint"}
          title="Times the corrected behaviour happened again"
        >
          {event.recurred > 0 ? `recurred ${event.recurred}×` : "not recurred"}
        </span>
      </div>
      {event.context ? (
        <details className="group text-sm">
          <summary className="w-fit cursor-pointer list-none text-faint hover:text-fg [&::-webkit-details-marker]:hidden">
            <span aria-hidden="true" className="mr-1 inline-block transition-transform group-open:rotate-90">
              ›
            </span>
            Context
          </summary>
          <pre className="mt-1.5 whitespace-pre-wrap break-words rounded-md border border-line bg-canvas px-3 py-2 font-mono text-[12px] text-muted">
            {event.context}
          </pre>
        </details>
      ) : null}
    </li>
  );
}

/** Every learning event: captured by the detector, logged by the agent, or marked by a person. */
export function LearningsScreen() {
  const now = useNow();
  const [events, setEvents] = useState<LearningEvent[] | null>(null);
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [type, setType] = useState<TypeFilter>("");
  const [source, setSource] = useState<SourceFilter>("");
  const [query, setQuery] = useState("");
  const [dialog, setDialog] = useState<{ editing: LearningEvent | null } | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await learningApi.learningEvents();
    if (result.ok) {
      setEvents(result.data.learningEvents);
      setError(null);
    } else setError(result.message);
  }, []);

  useEffect(() => {
    void load();
    void sessionsApi.list().then((result) => {
      if (result.ok) setSessions(result.data.sessions);
    });
    const onHash = () => {
      const match = /^#learning-(.+)$/.exec(window.location.hash);
      setHighlight(match?.[1] ? decodeURIComponent(match[1]) : null);
    };
    onHash();
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, [load]);

  useEffect(() => {
    if (!highlight || !events) return;
    document.getElementById(`learning-${highlight}`)?.scrollIntoView({ block: "center" });
  }, [highlight, events]);

  const titles = useMemo(() => new Map(sessions.map((s) => [s.id, s.title])), [sessions]);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const e of events ?? []) {
      c[e.type] = (c[e.type] ?? 0) + 1;
      c[e.source] = (c[e.source] ?? 0) + 1;
    }
    return c;
  }, [events]);

  const needle = query.trim().toLowerCase();
  const shown = (events ?? []).filter(
    (e) =>
      (!type || e.type === type) &&
      (!source || e.source === source) &&
      (!needle ||
        e.description.toLowerCase().includes(needle) ||
        (e.context ?? "").toLowerCase().includes(needle)),
  );

  return (
    <>
      <PageHeader
        title="Learnings"
        description="Corrections, preferences and patterns: found in your messages by the harness, logged by the agent, or marked by you. Each shows whether it reached a prompt and whether the behaviour came back."
        actions={
          <Button variant="primary" data-testid="add-learning" onClick={() => setDialog({ editing: null })}>
            Add learning
          </Button>
        }
      />
      <div className="flex w-full max-w-6xl flex-col gap-5 px-4 md:px-8 py-6">
        <div className="flex flex-wrap items-end gap-4">
          <Segmented<TypeFilter>
            legend="Type"
            hideLegend
            size="sm"
            testId="learning-type-filter"
            value={type}
            onChange={setType}
            options={[
              { value: "", label: "All types", count: events?.length },
              { value: "correction", label: "Corrections", count: counts.correction ?? 0 },
              { value: "preference", label: "Preferences", count: counts.preference ?? 0 },
              { value: "pattern", label: "Patterns", count: counts.pattern ?? 0 },
            ]}
          />
          <Segmented<SourceFilter>
            legend="Source"
            hideLegend
            size="sm"
            testId="learning-source-filter"
            value={source}
            onChange={setSource}
            options={[
              { value: "", label: "Any source" },
              {
                value: "detector",
                label: "Detector",
                title: SOURCE_TITLES.detector,
                count: counts.detector ?? 0,
              },
              { value: "agent", label: "Agent", title: SOURCE_TITLES.agent, count: counts.agent ?? 0 },
              { value: "user", label: "You", title: SOURCE_TITLES.user, count: counts.user ?? 0 },
            ]}
          />
          <search className="min-w-56 flex-1">
            <label htmlFor="learning-search" className="sr-only">
              Search learnings
            </label>
            <Input
              id="learning-search"
              data-testid="learning-search"
              type="search"
              placeholder="Search descriptions and context…"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </search>
        </div>

        {error ? (
          <Callout tone="error" role="alert">
            Could not load learnings: {error}
          </Callout>
        ) : null}

        {events === null ? (
          <div aria-hidden="true" className="h-64 animate-pulse rounded-lg bg-panel/60" />
        ) : shown.length === 0 ? (
          <div
            data-testid="learnings-empty"
            className="rounded-lg border border-line border-dashed bg-panel/60 px-6 py-8 text-muted"
          >
            {events.length ? (
              "No learning matches. Clear the filters or the search."
            ) : (
              <>
                No learnings yet. When you correct the agent (“no, use pnpm”) or state a preference (“always
                run the tests first”), the harness records it here; you can also mark any message in a session
                as a learning.
              </>
            )}
          </div>
        ) : (
          <ul className="overflow-hidden rounded-lg border border-line bg-panel" data-testid="learning-list">
            {shown.map((event) => (
              <LearningRow
                key={event.id}
                event={event}
                sessionTitle={event.sessionId ? (titles.get(event.sessionId) ?? null) : null}
                now={now}
                highlighted={highlight === event.id}
                onEdit={() => setDialog({ editing: event })}
                onDelete={async () => {
                  const result = await learningApi.deleteLearningEvent(event.id);
                  if (result.ok) setEvents((prev) => prev?.filter((e) => e.id !== event.id) ?? prev);
                  else setError(result.message);
                }}
              />
            ))}
          </ul>
        )}
      </div>
      <LearningDialog
        open={dialog !== null}
        editing={dialog?.editing ?? null}
        sessions={sessions.map((s) => ({ id: s.id, title: s.title }))}
        onClose={() => setDialog(null)}
        onSaved={(saved) => {
          setDialog(null);
          setEvents((prev) => {
            if (!prev) return [saved];
            return prev.some((e) => e.id === saved.id)
              ? prev.map((e) => (e.id === saved.id ? { ...e, ...saved } : e))
              : [saved, ...prev];
          });
        }}
      />
    </>
  );
}
