"use client";

import Link from "next/link";
import { useState } from "react";
import type { SessionSummary } from "@/lib/sessions/views";
import { formatAbsoluteTime, formatCost, formatRelativeTime } from "../format";
import { StatusBadge } from "../status-badge";
import { Button } from "../ui/button";
import { useNow } from "../use-now";

const GRID =
  "grid grid-cols-[minmax(0,1fr)_6rem] items-center gap-x-4 px-4 md:grid-cols-[minmax(0,1fr)_6.5rem_5.5rem_6rem]";

function SkeletonRows() {
  return (
    <ul aria-hidden="true">
      {[0, 1, 2].map((i) => (
        <li key={i} className={`${GRID} h-14 border-line border-b last:border-b-0`}>
          <div className="flex flex-col gap-1.5">
            <span className="h-3 w-48 rounded bg-panel-2" />
            <span className="h-2.5 w-24 rounded bg-panel-2/70" />
          </div>
          <span className="h-5 w-16 rounded-full bg-panel-2" />
          <span className="hidden h-3 w-12 justify-self-end rounded bg-panel-2 md:block" />
          <span className="hidden h-3 w-12 justify-self-end rounded bg-panel-2 md:block" />
        </li>
      ))}
    </ul>
  );
}

/** Archive (or show again) and delete, beside a row; delete asks first. */
function RowActions({
  session,
  onArchive,
  onDelete,
}: {
  session: SessionSummary;
  onArchive(archived: boolean): void;
  onDelete(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  if (confirming)
    return (
      <div className="flex items-center gap-1.5 px-4 pb-2 md:pb-0">
        <span className="text-muted text-sm">Delete “{session.title}” and everything it holds?</span>
        <Button size="sm" variant="danger" data-testid="session-delete-confirm" onClick={onDelete}>
          Delete
        </Button>
        <Button size="sm" variant="ghost" autoFocus onClick={() => setConfirming(false)}>
          Cancel
        </Button>
      </div>
    );
  return (
    <div className="flex items-center gap-1 px-4 pb-2 opacity-80 group-hover:opacity-100 md:pb-0">
      <Button
        size="sm"
        variant="ghost"
        data-testid={session.archived ? "session-unarchive" : "session-archive"}
        aria-label={`${session.archived ? "Unarchive" : "Archive"} ${session.title}`}
        onClick={() => onArchive(!session.archived)}
      >
        {session.archived ? "Unarchive" : "Archive"}
      </Button>
      <Button
        size="sm"
        variant="ghost"
        data-testid="session-delete"
        aria-label={`Delete ${session.title}`}
        disabled={session.status === "running"}
        title={session.status === "running" ? "Stop the turn first" : undefined}
        onClick={() => setConfirming(true)}
      >
        Delete
      </Button>
    </div>
  );
}

export function SessionList({
  sessions,
  error,
  filtered,
  onArchive,
  onDelete,
}: {
  sessions: SessionSummary[] | null;
  error: string | null;
  /** A search or the archive is shown: an empty list means no match, not no sessions. */
  filtered: boolean;
  onArchive(id: string, archived: boolean): void;
  onDelete(id: string): void;
}) {
  const now = useNow();

  return (
    <section
      aria-labelledby="sessions-heading"
      className="overflow-hidden rounded-lg border border-line bg-panel"
    >
      <div className={`${GRID} h-9 border-line border-b text-faint text-xs uppercase tracking-wide`}>
        <h2 id="sessions-heading" className="font-medium">
          Sessions
        </h2>
        <span className="font-medium">Status</span>
        <span className="hidden justify-self-end font-medium md:block">Cost</span>
        <span className="hidden justify-self-end font-medium md:block">Updated</span>
      </div>
      {error ? (
        <p role="alert" className="px-4 py-6 text-red-300">
          {error}
        </p>
      ) : sessions === null ? (
        <SkeletonRows />
      ) : sessions.length === 0 ? (
        <div data-testid="sessions-empty" className="px-4 py-10 text-center">
          {filtered ? (
            <p className="font-medium text-fg">No sessions match</p>
          ) : (
            <>
              <p className="font-medium text-fg">No sessions yet</p>
              <p className="mt-1 text-muted">
                Start one above. The agent works inside the workspace folder you give it, and every event is
                kept for replay.
              </p>
            </>
          )}
        </div>
      ) : (
        <ul>
          {sessions.map((session) => (
            <li
              key={session.id}
              data-testid="session-item"
              data-session-id={session.id}
              className="group flex flex-col border-line border-b last:border-b-0 md:flex-row md:items-center"
            >
              <Link
                data-testid="session-row"
                href={`/sessions/${encodeURIComponent(session.id)}`}
                className={`${GRID} h-14 min-w-0 flex-1 transition-colors hover:bg-hover/60 focus-visible:bg-hover/60`}
              >
                <span className="flex min-w-0 flex-col">
                  <span className="truncate font-medium text-fg">{session.title || "Untitled session"}</span>
                  <span className="truncate font-mono text-faint text-xs">
                    {session.workspace ? `${session.workspace} · ` : ""}
                    {session.branch ? `${session.branch} · ` : ""}
                    {session.id}
                  </span>
                </span>
                <span>
                  <StatusBadge status={session.status} />
                </span>
                <span
                  data-testid="session-row-cost"
                  className="hidden justify-self-end font-mono text-muted text-sm tabular-nums md:block"
                >
                  {formatCost(session.costUsd)}
                </span>
                <time
                  dateTime={session.updatedAt}
                  title={formatAbsoluteTime(session.updatedAt)}
                  className="hidden justify-self-end text-muted tabular-nums md:block"
                >
                  {formatRelativeTime(session.updatedAt, now)}
                </time>
              </Link>
              <RowActions
                session={session}
                onArchive={(archived) => onArchive(session.id, archived)}
                onDelete={() => onDelete(session.id)}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
