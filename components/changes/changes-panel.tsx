"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import type { SessionStatus } from "@/lib/events/types";
import { Segmented } from "../learning/segmented";
import { Button } from "../ui/button";
import { Notes, PanelHeader, ScopeBar } from "./changes-header";
import { type Hunk, type Scope, STATUS_LETTER, type Wanted } from "./changes-model";
import type { LineSelection } from "./diff-editor";
import { FileDiff } from "./file-diff";
import { FileTree } from "./file-tree";
import { ConflictDialog, RewindDialog } from "./revert-dialogs";
import { ReviewTray } from "./review-tray";
import { useChanges, useFileChange } from "./use-changes";
import { useRevert } from "./use-revert";
import { useReview } from "./use-review";

const MODE_KEY = "ratchet:diff-mode";

function scopeLabel(scope: Scope | null): string {
  if (!scope) return "";
  return scope.scope === "turn"
    ? `turn ${scope.turn}`
    : scope.scope === "session"
      ? "this session"
      : "uncommitted";
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

function emptyNote(wanted: Wanted, scope: Scope | null, state: ReturnType<typeof useChanges>): string | null {
  if (state.list?.notARepository)
    return "This workspace is not a git repository (or has no commit yet), so there is no uncommitted work to show. The Turn and Session views show what the agent changed.";
  if (wanted.kind !== "git" && state.turns !== null && !state.turns.some((t) => t.checkpointed))
    return "No checkpoints yet. What the agent changes in the workspace appears here, turn by turn.";
  if (state.list && state.list.files.length === 0) {
    if (scope?.scope === "turn") return `Turn ${scope.turn} changed no files.`;
    return scope?.scope === "session" ? "This session has changed no files." : "No uncommitted changes.";
  }
  return null;
}

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
  const review = useReview(sessionId);
  const undo = useRevert(sessionId, reload);

  const running = status === "running";
  const recorded = (turns ?? []).filter((t) => t.checkpointed);
  const firstTurn = recorded[0]?.turn ?? null;
  const shownTurn = scope?.scope === "turn" ? turns?.find((t) => t.turn === scope.turn) : undefined;
  const label = scopeLabel(scope);
  const revertDisabled = running
    ? "Wait for the turn to end (or stop it) to put files back."
    : undo.busy
      ? "Putting files back…"
      : null;
  /** A file revert puts the file back as it was before this turn, or before the session's first. */
  const revertTurn = scope?.scope === "turn" ? scope.turn : scope?.scope === "session" ? firstTurn : null;

  function revertFile(path: string) {
    if (revertTurn !== null) undo.revert({ turn: revertTurn, path }, `Revert ${path}`);
  }

  function revertHunk(hunk: Hunk) {
    if (scope?.scope !== "turn" || !shownPath) return;
    undo.revert(
      { turn: scope.turn, path: shownPath, hunk: hunk.index },
      `Revert change ${hunk.index + 1} in ${shownPath}`,
    );
  }

  function addComment(selection: LineSelection, text: string) {
    if (shownPath) review.add({ path: shownPath, ...selection, comment: text, scope: label });
  }

  const commented = useMemo(
    () =>
      review.comments
        .filter((c) => c.path === shownPath && c.scope === label)
        .map(({ side, startLine, endLine }) => ({ side, startLine, endLine })),
    [review.comments, shownPath, label],
  );

  const shown = file.kind === "ready" ? file.file : file.kind === "loading" ? file.previous : null;
  const entry = files.find((f) => f.path === shownPath);
  const empty = emptyNote(wanted, scope, changes);

  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col" data-testid="changes-panel" data-scope={label}>
      <PanelHeader
        wanted={wanted}
        running={running}
        wide={wide}
        onWanted={(kind) => setWanted((w) => ({ ...w, kind }))}
        onToggleWide={onToggleWide}
        onClose={onClose}
      />
      <ScopeBar
        wanted={wanted}
        scope={scope}
        turns={turns ?? []}
        files={list?.files ?? null}
        revertDisabled={revertDisabled}
        onPickTurn={(n) => setWanted({ kind: "turn", pinnedTurn: n === recorded.at(-1)?.turn ? null : n })}
        onRewind={undo.askRewind}
      />
      <Notes notice={undo.notice} error={changes.error} skipped={list?.skipped ?? []} />

      {empty ? (
        <p data-testid="changes-empty" className="px-4 py-6 text-muted text-sm">
          {empty}
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
                    : `Put this file back as it was before ${scope?.scope === "session" ? "the session" : `turn ${revertTurn}`}`
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
        comments={review.comments}
        sending={review.sending}
        sendDisabled={running ? "A turn is running: send the review when it ends." : null}
        error={review.error}
        onShow={(c) => setSelected(c.path)}
        onRemove={review.remove}
        onSend={async () => {
          if (await review.send()) undo.setNotice({ tone: "ok", text: "Review sent to the agent." });
        }}
        onDiscard={review.discard}
      />

      <RewindDialog
        turn={undo.rewindTurn}
        lastTurn={turns?.length ?? undo.rewindTurn ?? 0}
        busy={undo.busy}
        onClose={() => undo.askRewind(null)}
        onConfirm={() => {
          const turn = undo.rewindTurn;
          if (turn !== null) undo.revert({ turn }, `Rewind to before turn ${turn}`);
        }}
      />
      <ConflictDialog
        conflicts={undo.conflict?.conflicts ?? null}
        what={undo.conflict?.what ?? ""}
        busy={undo.busy}
        onClose={undo.closeConflict}
        onForce={undo.force}
      />
    </div>
  );
}
