"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import type { SessionStatus } from "@/lib/events/types";
import { changesApi, type RevertBody, sessionsApi } from "../api-client";
import { formatBytes } from "../format";
import { Segmented } from "../learning/segmented";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { countsLabel, type Hunk, type Scope, STATUS_LETTER, type Wanted } from "./changes-model";
import type { LineSelection } from "./diff-editor";
import { FileDiff } from "./file-diff";
import { FileTree } from "./file-tree";
import { ConflictDialog, RewindDialog } from "./revert-dialogs";
import { formatReview, loadComments, type ReviewComment, saveComments } from "./review";
import { ReviewTray } from "./review-tray";
import { useChanges, useFileChange } from "./use-changes";

const MODE_KEY = "ratchet:diff-mode";

type Notice = { tone: "ok" | "error"; text: string } | null;

function scopeLabel(scope: Scope | null): string {
  if (!scope) return "";
  return scope.scope === "turn"
    ? `turn ${scope.turn}`
    : scope.scope === "session"
      ? "this session"
      : "uncommitted";
}

function newId(): string {
  // randomUUID needs a secure context; a LAN install over plain http is not one
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The pending review of a session, kept in localStorage so a reload does not lose it. */
function useReview(sessionId: string) {
  const [comments, setComments] = useState<ReviewComment[]>([]);
  useEffect(() => {
    setComments(loadComments(window.localStorage, sessionId));
  }, [sessionId]);
  const update = useCallback(
    (change: (prev: ReviewComment[]) => ReviewComment[]) => {
      setComments((prev) => {
        const next = change(prev);
        saveComments(window.localStorage, sessionId, next);
        return next;
      });
    },
    [sessionId],
  );
  return [comments, update] as const;
}

function useDiffMode() {
  const [mode, setMode] = useState<"unified" | "split">("unified");
  useEffect(() => {
    if (window.localStorage.getItem(MODE_KEY) === "split") setMode("split");
  }, []);
  const choose = useCallback((next: "unified" | "split") => {
    setMode(next);
    window.localStorage.setItem(MODE_KEY, next);
  }, []);
  return [mode, choose] as const;
}

const SCOPES = [
  { value: "turn", label: "Turn", title: "What one turn changed" },
  { value: "session", label: "Session", title: "Everything the session changed, from its first turn to now" },
  { value: "git", label: "Uncommitted", title: "The workspace's uncommitted work, as git sees it" },
] as const;

/**
 * The Changes panel: what the agent changed (one turn, the whole session, or the git working tree),
 * as a file tree and diffs, live while a turn runs; undo of a turn, a file or a change; and review
 * comments on selected lines, sent to the agent as one message.
 */
export function ChangesPanel({
  sessionId,
  status,
  epoch,
  wide,
  onToggleWide,
  onClose,
}: {
  sessionId: string;
  status: SessionStatus | null;
  /** Moves on every checkpoint, rewind or revert in the session's event stream. */
  epoch: number;
  wide: boolean;
  onToggleWide(): void;
  onClose(): void;
}) {
  const [wanted, setWanted] = useState<Wanted>({ kind: "turn", pinnedTurn: null });
  const changes = useChanges(sessionId, wanted, epoch);
  const { scope, turns, list, reload } = changes;
  const files = list?.files ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const shownPath = files.some((f) => f.path === selected) ? selected : (files[0]?.path ?? null);
  const file = useFileChange(sessionId, scope, shownPath, changes.version);
  const [mode, setMode] = useDiffMode();
  const [comments, updateComments] = useReview(sessionId);
  const [sending, setSending] = useState(false);
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [rewindTurn, setRewindTurn] = useState<number | null>(null);
  const [conflict, setConflict] = useState<{ body: RevertBody; what: string; conflicts: string[] } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);

  const running = status === "running";
  const recorded = (turns ?? []).filter((t) => t.checkpointed);
  const latest = recorded.at(-1)?.turn ?? null;
  const firstTurn = recorded[0]?.turn ?? null;
  const shownTurn = scope?.scope === "turn" ? turns?.find((t) => t.turn === scope.turn) : undefined;
  const label = scopeLabel(scope);
  const revertDisabled = running
    ? "Wait for the turn to end (or stop it) to put files back."
    : busy
      ? "Putting files back…"
      : null;
  /** The turn a file revert puts the file back before: this turn, or the session's first. */
  const revertTurn = scope?.scope === "turn" ? scope.turn : scope?.scope === "session" ? firstTurn : null;

  const totals = useMemo(
    () => files.reduce((t, f) => ({ a: t.a + f.additions, d: t.d + f.deletions }), { a: 0, d: 0 }),
    [files],
  );

  async function revert(body: RevertBody, what: string) {
    setBusy(true);
    setNotice(null);
    const result = await changesApi.revert(sessionId, body);
    setBusy(false);
    setRewindTurn(null);
    if (result.ok) {
      setConflict(null);
      const n = result.data.restored.length;
      setNotice({ tone: "ok", text: `${what}: ${n === 1 ? "1 file" : `${n} files`} put back.` });
      reload();
      return;
    }
    if ("conflicts" in result) {
      if (body.force) {
        setConflict(null);
        setNotice({
          tone: "error",
          text: `${what}: the file no longer holds this change as it was recorded. Revert the whole file instead.`,
        });
        return;
      }
      setConflict({ body, what, conflicts: result.conflicts });
      return;
    }
    setNotice({ tone: "error", text: `${what}: ${result.message}` });
  }

  function revertFile(path: string) {
    if (revertTurn === null) return;
    void revert({ turn: revertTurn, path }, `Revert ${path}`);
  }

  function revertHunk(hunk: Hunk) {
    if (scope?.scope !== "turn" || !shownPath) return;
    void revert(
      { turn: scope.turn, path: shownPath, hunk: hunk.index },
      `Revert change ${hunk.index + 1} in ${shownPath}`,
    );
  }

  function addComment(selection: LineSelection, text: string) {
    if (!shownPath) return;
    const comment: ReviewComment = {
      id: newId(),
      path: shownPath,
      side: selection.side,
      startLine: selection.startLine,
      endLine: selection.endLine,
      lines: selection.lines,
      comment: text,
      scope: label,
    };
    updateComments((prev) => [...prev, comment]);
  }

  async function sendReview() {
    if (comments.length === 0) return;
    setSending(true);
    setReviewError(null);
    const result = await sessionsApi.send(sessionId, formatReview(comments));
    setSending(false);
    if (result.ok) {
      updateComments(() => []);
      setNotice({ tone: "ok", text: "Review sent to the agent." });
      return;
    }
    setReviewError(
      result.status === 409 ? "A turn is running: send the review when it ends." : result.message,
    );
  }

  const commented = useMemo(
    () =>
      comments
        .filter((c) => c.path === shownPath && c.scope === label)
        .map(({ side, startLine, endLine }) => ({ side, startLine, endLine })),
    [comments, shownPath, label],
  );

  const shown = file.kind === "ready" ? file.file : file.kind === "loading" ? file.previous : null;
  const entry = files.find((f) => f.path === shownPath);

  let emptyNote: string | null = null;
  if (list?.notARepository)
    emptyNote =
      "This workspace is not a git repository (or has no commit yet), so there is no uncommitted work to show. The Turn and Session views show what the agent changed.";
  else if (wanted.kind !== "git" && turns !== null && recorded.length === 0)
    emptyNote = "No checkpoints yet. What the agent changes in the workspace appears here, turn by turn.";
  else if (list && files.length === 0)
    emptyNote =
      scope?.scope === "turn"
        ? `Turn ${scope.turn} changed no files.`
        : scope?.scope === "session"
          ? "This session has changed no files."
          : "No uncommitted changes.";

  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col" data-testid="changes-panel" data-scope={label}>
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
          onChange={(kind) => setWanted((w) => ({ ...w, kind }))}
        />
        <button
          type="button"
          onClick={onToggleWide}
          aria-pressed={wide}
          title={wide ? "Show the transcript beside the changes" : "Give the changes the whole width"}
          aria-label={wide ? "Narrow the changes panel" : "Widen the changes panel"}
          className="hidden size-6 items-center justify-center rounded text-faint hover:bg-hover hover:text-fg lg:inline-flex"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 16 16"
            width="14"
            height="14"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
          >
            {wide ? (
              <path d="M6 3v10M10 5.5 7.5 8l2.5 2.5" strokeLinecap="round" strokeLinejoin="round" />
            ) : (
              <path d="M6 3v10M8 5.5 10.5 8 8 10.5" strokeLinecap="round" strokeLinejoin="round" />
            )}
          </svg>
        </button>
        <button
          type="button"
          onClick={onClose}
          title="Hide the changes"
          aria-label="Hide the changes"
          data-testid="changes-close"
          className="hidden size-6 items-center justify-center rounded text-faint hover:bg-hover hover:text-fg lg:inline-flex"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 16 16"
            width="14"
            height="14"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
          >
            <path d="M6.5 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      </div>

      <div className="flex shrink-0 flex-wrap items-center gap-x-3 gap-y-1 border-line border-b px-3 py-1.5 text-xs">
        {wanted.kind === "turn" && recorded.length > 0 ? (
          <label className="flex items-center gap-1.5 text-muted">
            <span className="sr-only">Turn</span>
            <select
              data-testid="changes-turn"
              value={scope?.scope === "turn" ? scope.turn : ""}
              onChange={(e) => {
                const n = Number(e.target.value);
                setWanted({ kind: "turn", pinnedTurn: n === latest ? null : n });
              }}
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
        {list && files.length > 0 ? (
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
            onClick={() => setRewindTurn(scope.turn)}
          >
            Rewind to before turn {scope.turn}
          </Button>
        ) : null}
      </div>

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
      {changes.error ? (
        <p role="alert" className="shrink-0 px-3 py-1.5 text-red-300 text-xs">
          Could not load the changes: {changes.error}
        </p>
      ) : null}
      {list && list.skipped.length > 0 ? (
        <details data-testid="changes-skipped" className="shrink-0 border-line border-b px-3 py-1.5 text-xs">
          <summary className="cursor-pointer text-amber-200/90">
            {list.skipped.length === 1 ? "1 large file" : `${list.skipped.length} large files`} not recorded
            (over 10 MiB): changes to {list.skipped.length === 1 ? "it" : "them"} are not shown or undone
          </summary>
          <ul className="mt-1 font-mono text-muted">
            {list.skipped.map((s) => (
              <li key={s.path}>
                {s.path} ({formatBytes(s.bytes)})
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      {emptyNote ? (
        <p data-testid="changes-empty" className="px-4 py-6 text-muted text-sm">
          {emptyNote}
        </p>
      ) : list === null && !changes.error ? (
        <p className="px-4 py-6 text-faint text-sm">Loading the changes…</p>
      ) : (
        <div className="@container flex min-h-0 flex-1 flex-col">
          <div className="flex min-h-0 flex-1 flex-col @3xl:flex-row">
            <div className="flex max-h-[40%] min-h-0 shrink-0 flex-col border-line border-b @3xl:max-h-none @3xl:w-72 @3xl:border-r @3xl:border-b-0">
              <FileTree
                files={files}
                selected={shownPath}
                onSelect={setSelected}
                revertLabel={
                  revertTurn === null
                    ? null
                    : `Put this file back as it was before ${revertTurn === firstTurn && scope?.scope === "session" ? "the session" : `turn ${revertTurn}`}`
                }
                revertDisabled={revertDisabled}
                onRevertFile={revertFile}
              />
            </div>
            <div className="flex min-h-0 min-w-0 flex-1 flex-col overflow-y-auto">
              {entry ? (
                <div className="sticky top-0 z-10 flex h-9 shrink-0 items-center gap-2 border-line border-b bg-panel px-3">
                  <span className="w-3 text-center font-mono text-muted text-xs">
                    {STATUS_LETTER[entry.status]}
                  </span>
                  <span
                    className="min-w-0 flex-1 truncate font-mono text-fg text-xs"
                    data-testid="diff-path"
                    title={entry.path}
                  >
                    {entry.from ? `${entry.from} → ` : ""}
                    {entry.path}
                  </span>
                  {revertTurn !== null ? (
                    <Button
                      size="sm"
                      variant="ghost"
                      className="h-6"
                      data-testid="revert-shown-file"
                      disabled={revertDisabled !== null}
                      title={revertDisabled ?? "Put this file back"}
                      onClick={() => revertFile(entry.path)}
                    >
                      Revert file
                    </Button>
                  ) : null}
                  <Segmented
                    legend="Diff layout"
                    hideLegend
                    size="sm"
                    value={mode}
                    testId="diff-mode"
                    options={[
                      { value: "unified", label: "Unified" },
                      { value: "split", label: "Split" },
                    ]}
                    onChange={setMode}
                  />
                </div>
              ) : null}
              {file.kind === "error" ? (
                <p role="alert" className="px-4 py-4 text-red-300 text-sm">
                  Could not load this file's diff: {file.message}
                </p>
              ) : shown && shown.path === shownPath ? (
                <FileDiff
                  key={`${label}\0${shown.path}`}
                  file={shown}
                  refreshing={file.kind === "loading"}
                  mode={mode}
                  hunkRevert={
                    scope?.scope === "turn" &&
                    !shownTurn?.rewoundAt &&
                    (shown.status === "modified" || shown.status === "renamed")
                  }
                  revertDisabled={revertDisabled}
                  onRevertHunk={revertHunk}
                  commented={commented}
                  onAddComment={addComment}
                />
              ) : shownPath ? (
                <p className="px-4 py-4 text-faint text-sm">Loading the diff…</p>
              ) : null}
            </div>
          </div>
        </div>
      )}

      <ReviewTray
        comments={comments}
        sending={sending}
        sendDisabled={running ? "A turn is running: send the review when it ends." : null}
        error={reviewError}
        onShow={(c) => setSelected(c.path)}
        onRemove={(id) => updateComments((prev) => prev.filter((c) => c.id !== id))}
        onSend={() => void sendReview()}
        onDiscard={() => {
          setReviewError(null);
          updateComments(() => []);
        }}
      />

      <RewindDialog
        turn={rewindTurn}
        lastTurn={turns?.length ?? rewindTurn ?? 0}
        busy={busy}
        onClose={() => setRewindTurn(null)}
        onConfirm={() => {
          if (rewindTurn !== null) void revert({ turn: rewindTurn }, `Rewind to before turn ${rewindTurn}`);
        }}
      />
      <ConflictDialog
        conflicts={conflict?.conflicts ?? null}
        what={conflict?.what ?? ""}
        busy={busy}
        onClose={() => setConflict(null)}
        onForce={() => {
          if (conflict) void revert({ ...conflict.body, force: true }, conflict.what);
        }}
      />
    </div>
  );
}
