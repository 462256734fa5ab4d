"use client";

import type { ChangesSummary, SessionTurn } from "@/lib/checkpoints/views";
import { formatBytes } from "../format";
import { Segmented } from "../learning/segmented";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { countsLabel, type Scope, type Wanted } from "./changes-model";
import type { Notice } from "./use-revert";

const SCOPES = [
  { value: "turn", label: "Turn", title: "What one turn changed" },
  { value: "session", label: "Session", title: "Everything the session changed, from its first turn to now" },
  { value: "git", label: "Uncommitted", title: "The workspace's uncommitted work, as git sees it" },
] as const;

function Icon({ d }: { d: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      width="14"
      height="14"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
    >
      <path d={d} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

const ICON_BUTTON =
  "hidden size-6 items-center justify-center rounded text-faint hover:bg-hover hover:text-fg lg:inline-flex";

/** The title row: which scope, and the panel's width and close buttons (on a wide screen). */
export function PanelHeader({
  wanted,
  running,
  wide,
  onWanted,
  onToggleWide,
  onClose,
}: {
  wanted: Wanted;
  running: boolean;
  wide: boolean;
  onWanted(kind: Wanted["kind"]): void;
  onToggleWide(): void;
  onClose(): void;
}) {
  return (
    <div className="flex h-10 shrink-0 items-center gap-2 border-line border-b px-3">
      <h2 className="font-medium text-fg text-sm">Changes</h2>
      {running ? (
        <span className="text-accent-text text-xs" title="Updates as the agent writes files">
          live
        </span>
      ) : null}
      <span className="ml-auto" />
      <Segmented
        legend="Show the changes of"
        hideLegend
        size="sm"
        value={wanted.kind}
        options={SCOPES}
        testId="changes-scope"
        onChange={onWanted}
      />
      <button
        type="button"
        onClick={onToggleWide}
        aria-pressed={wide}
        title={wide ? "Show the transcript beside the changes" : "Give the changes the whole width"}
        aria-label={wide ? "Narrow the changes panel" : "Widen the changes panel"}
        className={ICON_BUTTON}
      >
        <Icon d={wide ? "M6 3v10M10 5.5 7.5 8l2.5 2.5" : "M6 3v10M8 5.5 10.5 8 8 10.5"} />
      </button>
      <button
        type="button"
        onClick={onClose}
        title="Hide the changes"
        aria-label="Hide the changes"
        data-testid="changes-close"
        className={ICON_BUTTON}
      >
        <Icon d="M6.5 4l4 4-4 4" />
      </button>
    </div>
  );
}

/** The second row: the turn picker, the counts, whether the turn was rewound, and the rewind button. */
export function ScopeBar({
  wanted,
  scope,
  turns,
  files,
  revertDisabled,
  onPickTurn,
  onRewind,
}: {
  wanted: Wanted;
  scope: Scope | null;
  turns: readonly SessionTurn[];
  files: ChangesSummary["files"] | null;
  revertDisabled: string | null;
  onPickTurn(turn: number): void;
  onRewind(turn: number): void;
}) {
  const recorded = turns.filter((t) => t.checkpointed);
  const latest = recorded.at(-1)?.turn ?? null;
  const shownTurn = scope?.scope === "turn" ? turns.find((t) => t.turn === scope.turn) : undefined;
  const totals = (files ?? []).reduce((t, f) => ({ a: t.a + f.additions, d: t.d + f.deletions }), {
    a: 0,
    d: 0,
  });
  return (
    <div className="flex shrink-0 flex-wrap items-center gap-x-3 gap-y-1 border-line border-b px-3 py-1.5 text-xs">
      {wanted.kind === "turn" && recorded.length > 0 ? (
        <label className="flex items-center gap-1.5 text-muted">
          <span className="sr-only">Turn</span>
          <select
            data-testid="changes-turn"
            value={scope?.scope === "turn" ? scope.turn : ""}
            onChange={(e) => onPickTurn(Number(e.target.value))}
            className="h-6 rounded border border-line bg-canvas px-1.5 text-fg text-xs"
          >
            {recorded.map((t) => (
              <option key={t.turn} value={t.turn}>
                Turn {t.turn}
                {t.rewoundAt ? " · rewound" : ""}
                {t.turn === latest ? " (latest)" : ""}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {files && files.length > 0 ? (
        <span className="text-muted" data-testid="changes-summary">
          {files.length === 1 ? "1 file" : `${files.length} files`}{" "}
          <span className="font-mono">{countsLabel(totals.a, totals.d)}</span>
        </span>
      ) : null}
      {shownTurn?.rewoundAt ? (
        <span className="rounded bg-amber-400/10 px-1.5 text-amber-200" data-testid="changes-rewound">
          rewound: this is what the turn changed then
        </span>
      ) : null}
      {scope?.scope === "turn" ? (
        <Button
          size="sm"
          variant="ghost"
          className="ml-auto h-6"
          data-testid="rewind-turn"
          disabled={revertDisabled !== null}
          title={revertDisabled ?? `Put every file back as it was before turn ${scope.turn}`}
          onClick={() => onRewind(scope.turn)}
        >
          Rewind to before turn {scope.turn}
        </Button>
      ) : null}
    </div>
  );
}

/** What happened (a revert's result), what failed to load, and the large files no diff includes. */
export function Notes({
  notice,
  error,
  skipped,
}: {
  notice: Notice;
  error: string | null;
  skipped: ChangesSummary["skipped"];
}) {
  return (
    <>
      {notice ? (
        <p
          role={notice.tone === "error" ? "alert" : "status"}
          data-testid="changes-notice"
          className={cn(
            "shrink-0 border-line border-b px-3 py-1.5 text-xs",
            notice.tone === "error" ? "text-red-300" : "text-emerald-300",
          )}
        >
          {notice.text}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="shrink-0 px-3 py-1.5 text-red-300 text-xs">
          Could not load the changes: {error}
        </p>
      ) : null}
      {skipped.length > 0 ? (
        <details data-testid="changes-skipped" className="shrink-0 border-line border-b px-3 py-1.5 text-xs">
          <summary className="cursor-pointer text-amber-200/90">
            {skipped.length === 1 ? "1 large file" : `${skipped.length} large files`} not recorded (over 10
            MiB): changes to {skipped.length === 1 ? "it" : "them"} are not shown or undone
          </summary>
          <ul className="mt-1 font-mono text-muted">
            {skipped.map((s) => (
              <li key={s.path}>
                {s.path} ({formatBytes(s.bytes)})
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}
