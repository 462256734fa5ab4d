"use client";

import Link from "next/link";
import { useParams } from "next/navigation";
import { useState } from "react";
import type { SessionStatus } from "@/lib/events/types";
import { formatBudget, formatCost, formatTokens } from "../format";
import { StatusBadge } from "../status-badge";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { BranchSyncButton } from "./branch-sync";
import { NotifyOffer } from "./notify-offer";
import type { StreamState } from "./use-session-events";

export interface SessionInfo {
  title: string;
  workspace: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  budgetUsd: number | null;
  /** A worktree session: the checkout its worktree was made from, and its branch. */
  worktreeOf: string | null;
  branch: string | null;
  /** The session this one was forked from. */
  forkedFrom: string | null;
  /** Which model tier answers: the rules (auto) or pinned; shown when Settings sets two models. */
  tierOverride: "auto" | "fast" | "strong";
  tiers: { fast: string; strong: string } | null;
}

const TIER_LABELS = { auto: "auto", fast: "fast", strong: "strong" } as const;

/** The session's model tier: auto follows the escalation rules, fast or strong pins it from the next turn. */
function TierPicker({
  info,
  onChange,
}: {
  info: SessionInfo;
  onChange: (tier: SessionInfo["tierOverride"]) => void;
}) {
  if (!info.tiers) return null;
  return (
    <label
      className="inline-flex items-center gap-1.5 text-faint"
      title={`fast: ${info.tiers.fast} · strong: ${info.tiers.strong}. Auto starts each turn on fast and escalates on repeated failure or friction.`}
    >
      <span>model</span>
      <select
        data-testid="session-tier"
        aria-label="Model tier"
        value={info.tierOverride}
        onChange={(e) => onChange(e.target.value as SessionInfo["tierOverride"])}
        className="h-7 rounded border border-line-strong bg-canvas px-1 text-fg text-sm"
      >
        {(Object.keys(TIER_LABELS) as SessionInfo["tierOverride"][]).map((tier) => (
          <option key={tier} value={tier}>
            {TIER_LABELS[tier]}
          </option>
        ))}
      </select>
    </label>
  );
}

function StreamIndicator({ state }: { state: StreamState }) {
  const label = state === "live" ? "live" : state === "connecting" ? "connecting…" : "reconnecting…";
  return (
    <span className="inline-flex items-center gap-1.5 text-faint text-xs" title="Event stream">
      <span
        aria-hidden="true"
        className={cn(
          "size-1.5 rounded-full",
          state === "live" ? "bg-emerald-400/80" : "animate-status-pulse bg-amber-400/80",
        )}
      />
      <span role="status">{label}</span>
    </span>
  );
}

function BudgetMeter({ cost, budget }: { cost: number; budget: number }) {
  const ratio = Math.min(1, budget > 0 ? cost / budget : 0);
  return (
    <span
      className="inline-flex items-center gap-1.5 text-faint"
      title={`${Math.round(ratio * 100)}% of budget spent`}
    >
      <span>of</span>
      <span data-testid="session-budget" className="text-muted tabular-nums">
        {formatBudget(budget)}
      </span>
      <span aria-hidden="true" className="h-1 w-10 overflow-hidden rounded-full bg-line-strong">
        <span
          className={cn("block h-full rounded-full", ratio >= 0.8 ? "bg-amber-400" : "bg-accent-text")}
          style={{ width: `${ratio * 100}%` }}
        />
      </span>
    </span>
  );
}

export function SessionHeader({
  info,
  status,
  statusNote,
  stream,
  stopping,
  ending,
  actionError,
  onStop,
  onEnd,
  onResume,
  onRename,
  onTierOverride,
}: {
  info: SessionInfo | null;
  status: SessionStatus | null;
  statusNote: string | null;
  stream: StreamState;
  stopping: boolean;
  ending: boolean;
  actionError: string | null;
  onStop: () => void;
  onEnd: () => void;
  onResume: () => void;
  onRename: (title: string) => void;
  onTierOverride: (tier: SessionInfo["tierOverride"]) => void;
}) {
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const sessionId = useParams<{ id: string }>()?.id;
  const running = status === "running";
  const ended = status === "ended";

  return (
    <header className="shrink-0 border-line border-b bg-panel px-3 sm:px-5">
      {/* on a phone the counters and buttons wrap under the title rather than squeeze it away */}
      <div className="flex min-h-12 flex-wrap items-center gap-x-3 gap-y-1 py-1.5 sm:flex-nowrap sm:py-0">
        <Link
          href="/sessions"
          aria-label="All sessions"
          className="-ml-1.5 flex size-7 shrink-0 items-center justify-center rounded-md text-faint hover:bg-hover hover:text-fg"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 16 16"
            width="16"
            height="16"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
          >
            <path d="M10 3.5 5.5 8l4.5 4.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </Link>
        <div className="flex min-w-[10rem] flex-1 items-center gap-3 sm:min-w-0">
          {info && renaming ? (
            <form
              aria-label="Rename the session"
              className="flex min-w-0 items-center gap-1.5"
              onSubmit={(e) => {
                e.preventDefault();
                const title = String(new FormData(e.currentTarget).get("title") ?? "").trim();
                setRenaming(false);
                if (title && title !== info.title) onRename(title);
              }}
            >
              <input
                name="title"
                data-testid="session-title-input"
                aria-label="Session title"
                defaultValue={info.title}
                maxLength={200}
                // biome-ignore lint/a11y/noAutofocus: the person just asked to edit this field
                autoFocus
                onKeyDown={(e) => {
                  if (e.key === "Escape") setRenaming(false);
                }}
                className="h-7 w-72 min-w-0 rounded border border-line-strong bg-canvas px-2 font-semibold text-fg"
              />
              <Button size="sm" type="submit" data-testid="session-title-save">
                Save
              </Button>
            </form>
          ) : info ? (
            <>
              <h1 className="truncate font-semibold text-fg" title={info.title}>
                {info.title || "Untitled session"}
              </h1>
              <button
                type="button"
                data-testid="session-rename"
                onClick={() => setRenaming(true)}
                aria-label="Rename the session"
                title="Rename"
                className="shrink-0 rounded px-1 text-faint text-xs hover:bg-hover hover:text-fg"
              >
                ✎
              </button>
            </>
          ) : (
            <span aria-hidden="true" className="h-3.5 w-48 rounded bg-panel-2" />
          )}
          {status ? (
            <StatusBadge status={status} data-testid="session-status" />
          ) : (
            <span aria-hidden="true" className="h-5 w-16 shrink-0 rounded-full bg-panel-2" />
          )}
          {/* an ended session takes no turns: nothing there is live */}
          {ended ? null : <StreamIndicator state={stream} />}
        </div>

        <div className="flex shrink-0 items-center gap-4 text-sm">
          {info ? <TierPicker info={info} onChange={onTierOverride} /> : null}
          <span className="hidden items-center gap-2 text-faint tabular-nums lg:inline-flex">
            <span title={`${info?.inputTokens ?? 0} input tokens`}>
              in <span className="text-muted">{formatTokens(info?.inputTokens)}</span>
            </span>
            <span title={`${info?.outputTokens ?? 0} output tokens`}>
              out <span className="text-muted">{formatTokens(info?.outputTokens)}</span>
            </span>
          </span>
          {sessionId ? (
            <Link
              href={`/sessions/${encodeURIComponent(sessionId)}/requests`}
              data-testid="model-requests-link"
              title="What the model saw: each step's request"
              aria-label="What the model saw"
              className="flex size-7 items-center justify-center rounded-md text-faint hover:bg-hover hover:text-fg"
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                width="15"
                height="15"
                fill="none"
                stroke="currentColor"
              >
                <path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8Z" strokeWidth="1.3" />
                <circle cx="8" cy="8" r="2" strokeWidth="1.3" />
              </svg>
            </Link>
          ) : null}
          <span className="inline-flex items-center gap-1.5 tabular-nums">
            <span data-testid="session-cost" className="font-medium font-mono text-fg">
              {formatCost(info?.costUsd)}
            </span>
            {info?.budgetUsd ? <BudgetMeter cost={info.costUsd} budget={info.budgetUsd} /> : null}
          </span>
        </div>

        <div className="flex shrink-0 items-center gap-2">
          <NotifyOffer />
          {/* Fixed-width slot (from `sm` up) so the header does not shift when Stop appears. */}
          <div className="flex justify-end sm:w-[4.5rem]">
            {running ? (
              <Button
                data-testid="stop-button"
                variant="danger"
                size="sm"
                onClick={onStop}
                disabled={stopping}
                title="Stop the running turn (Esc)"
              >
                <span aria-hidden="true" className="size-2 rounded-[2px] bg-current" />
                {stopping ? "Stopping" : "Stop"}
              </Button>
            ) : null}
          </div>
          {ended ? (
            <Button
              data-testid="resume-button"
              size="sm"
              variant="secondary"
              onClick={onResume}
              title="Open the session again to send messages"
            >
              Resume
            </Button>
          ) : confirmingEnd ? (
            <div className="flex items-center gap-1.5">
              <span className="text-muted text-sm">End session?</span>
              <Button
                data-testid="end-session-confirm"
                variant="danger"
                size="sm"
                disabled={ending}
                onClick={() => {
                  setConfirmingEnd(false);
                  onEnd();
                }}
              >
                End
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setConfirmingEnd(false)}
                onKeyDown={(e) => {
                  if (e.key === "Escape") setConfirmingEnd(false);
                }}
                autoFocus
              >
                Cancel
              </Button>
            </div>
          ) : (
            <Button
              data-testid="end-session-button"
              size="sm"
              variant="secondary"
              disabled={ending}
              onClick={() => setConfirmingEnd(true)}
              title="End the session and start its reflection"
            >
              {ending ? "Ending…" : "End session"}
            </Button>
          )}
        </div>
      </div>

      <div className="-mt-1 flex h-7 min-w-0 items-center gap-2 font-mono text-faint text-xs">
        <span className="truncate" title={info?.workspace ?? undefined} data-testid="session-workspace">
          {info?.workspace ?? "\u00a0"}
        </span>
        {info?.branch ? (
          <>
            <span aria-hidden="true">·</span>
            <span
              className="shrink-0 text-accent-text"
              data-testid="session-worktree"
              title={info.worktreeOf ? `A git worktree of ${info.worktreeOf}` : undefined}
            >
              worktree on {info.branch}
              {info.worktreeOf ? ` (of ${info.worktreeOf})` : ""}
            </span>
            {info.worktreeOf && sessionId ? (
              <BranchSyncButton sessionId={sessionId} branch={info.branch} of={info.worktreeOf} />
            ) : null}
          </>
        ) : null}
        {info?.forkedFrom ? (
          <>
            <span aria-hidden="true">·</span>
            <Link
              href={`/sessions/${encodeURIComponent(info.forkedFrom)}`}
              data-testid="session-forked-from"
              className="shrink-0 font-sans text-accent-text hover:underline"
            >
              forked from a session
            </Link>
          </>
        ) : null}
        {info?.model ? (
          <>
            <span aria-hidden="true">·</span>
            <span className="shrink-0 text-muted" data-testid="session-model">
              {info.model}
            </span>
          </>
        ) : null}
        {status === "interrupted" && statusNote ? (
          <>
            <span aria-hidden="true">·</span>
            <span className="truncate font-sans text-amber-300/90">
              {statusNote} Send a message to continue.
            </span>
          </>
        ) : null}
        {actionError ? (
          <span
            role="alert"
            data-testid="session-action-error"
            className="ml-auto shrink-0 font-sans text-red-300"
          >
            {actionError}
          </span>
        ) : null}
      </div>
    </header>
  );
}
