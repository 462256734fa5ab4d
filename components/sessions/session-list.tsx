"use client";

import Link from "next/link";
import type { SessionSummary } from "@/lib/sessions/views";
import { formatAbsoluteTime, formatRelativeTime } from "../format";
import { StatusBadge } from "../status-badge";
import { useNow } from "../use-now";

const GRID = "grid grid-cols-[minmax(0,1fr)_7rem_6rem] items-center gap-4 px-4";

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
          <span className="h-3 w-12 justify-self-end rounded bg-panel-2" />
        </li>
      ))}
    </ul>
  );
}

export function SessionList({
  sessions,
  error,
}: {
  sessions: SessionSummary[] | null;
  error: string | null;
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
        <span className="justify-self-end font-medium">Updated</span>
      </div>
      {error ? (
        <p role="alert" className="px-4 py-6 text-red-300">
          {error}
        </p>
      ) : sessions === null ? (
        <SkeletonRows />
      ) : sessions.length === 0 ? (
        <div data-testid="sessions-empty" className="px-4 py-10 text-center">
          <p className="font-medium text-fg">No sessions yet</p>
          <p className="mt-1 text-muted">
            Start one above. The agent works inside the workspace folder you give it, and every event is kept
            for replay.
          </p>
        </div>
      ) : (
        <ul>
          {sessions.map((session) => (
            <li key={session.id} className="border-line border-b last:border-b-0">
              <Link
                data-testid="session-row"
                href={`/sessions/${encodeURIComponent(session.id)}`}
                className={`${GRID} h-14 transition-colors hover:bg-hover/60 focus-visible:bg-hover/60`}
              >
                <span className="flex min-w-0 flex-col">
                  <span className="truncate font-medium text-fg">{session.title || "Untitled session"}</span>
                  <span className="truncate font-mono text-faint text-xs">
                    {session.workspace ? `${session.workspace} · ` : ""}
                    {session.id}
                  </span>
                </span>
                <span>
                  <StatusBadge status={session.status} />
                </span>
                <time
                  dateTime={session.updatedAt}
                  title={formatAbsoluteTime(session.updatedAt)}
                  className="justify-self-end text-muted tabular-nums"
                >
                  {formatRelativeTime(session.updatedAt, now)}
                </time>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
