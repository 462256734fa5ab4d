"use client";

import dynamic from "next/dynamic";
import { type ReactNode, useMemo, useState } from "react";
import type { FileChangeResponse } from "@/lib/checkpoints/views";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { type Hunk, parseHunks } from "./changes-model";
import type { CommentedLines, LineSelection } from "./diff-editor";
import { MAX_COMMENT_CHARS } from "./review";

type ShownFile = FileChangeResponse["file"];

function DiffSkeleton() {
  return (
    <div aria-hidden="true" className="space-y-2 px-4 py-3">
      {[48, 70, 36, 62, 0, 54, 40].map((w, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed decorative list
        <span key={i} className="block h-3 rounded bg-panel-2" style={{ width: `${w}%` }} />
      ))}
    </div>
  );
}

// CodeMirror and the merge view are fetched only when a file's diff is shown
const DiffEditor = dynamic(() => import("./diff-editor").then((m) => m.DiffEditor), {
  ssr: false,
  loading: DiffSkeleton,
});

/** The unified diff as text, when both sides cannot be shown (too large, or a side's text was not sent). */
function PlainDiff({ diff }: { diff: string }) {
  const lines = diff.split("\n").filter((l) => !/^(diff --git|index |--- |\+\+\+ )/.test(l));
  return (
    <pre data-testid="diff-plain" className="overflow-x-auto px-3 py-2 font-mono text-xs leading-5">
      {lines.map((line, i) => (
        <div
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, in order
          key={i}
          className={cn(
            line.startsWith("+") && "bg-emerald-400/[0.08] text-emerald-200",
            line.startsWith("-") && "bg-red-400/[0.08] text-red-200",
            line.startsWith("@@") && "text-accent-text",
          )}
        >
          {line || " "}
        </div>
      ))}
    </pre>
  );
}

function CommentForm({
  selection,
  onAdd,
  onCancel,
}: {
  selection: LineSelection;
  onAdd(text: string): void;
  onCancel(): void;
}) {
  const [text, setText] = useState("");
  const tooLong = text.length > MAX_COMMENT_CHARS;
  return (
    <form
      data-testid="comment-form"
      className="flex flex-col gap-2 border-line border-b bg-panel-2 px-3 py-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim() && !tooLong) onAdd(text.trim());
      }}
    >
      <label htmlFor="review-comment" className="text-muted text-xs">
        Comment on {selection.startLine === selection.endLine ? "line" : "lines"} {selection.startLine}
        {selection.endLine !== selection.startLine ? `–${selection.endLine}` : ""}
        {selection.side === "old" ? " (before the change)" : ""}
      </label>
      <textarea
        id="review-comment"
        data-testid="comment-text"
        // biome-ignore lint/a11y/noAutofocus: the person just asked to write this comment
        autoFocus
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            if (text.trim() && !tooLong) onAdd(text.trim());
          } else if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          }
        }}
        placeholder="What should the agent change here?"
        className="w-full resize-y rounded-md border border-line bg-canvas px-2 py-1.5 text-base text-fg outline-none focus:border-accent"
      />
      <div className="flex items-center gap-2">
        <Button
          size="sm"
          variant="primary"
          type="submit"
          data-testid="comment-add"
          disabled={!text.trim() || tooLong}
        >
          Add comment
        </Button>
        <Button size="sm" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <span className={cn("ml-auto text-xs", tooLong ? "text-red-300" : "text-faint")}>
          {tooLong ? `${text.length} / ${MAX_COMMENT_CHARS} characters` : "Ctrl+Enter adds it"}
        </span>
      </div>
    </form>
  );
}

export interface FileDiffProps {
  file: ShownFile;
  /** Still loading a newer version of this file (the old one stays in view meanwhile). */
  refreshing: boolean;
  mode: "unified" | "split";
  /** Offer a revert bar on each hunk (a turn's diff of a changed file). */
  hunkRevert: boolean;
  revertDisabled: string | null;
  onRevertHunk(hunk: Hunk): void;
  commented: CommentedLines[];
  onAddComment(selection: LineSelection, text: string): void;
}

/** One file's diff, and the comment form for the lines selected in it. */
export function FileDiff({
  file,
  refreshing,
  mode,
  hunkRevert,
  revertDisabled,
  onRevertHunk,
  commented,
  onAddComment,
}: FileDiffProps) {
  const [selection, setSelection] = useState<LineSelection | null>(null);
  const [writing, setWriting] = useState<LineSelection | null>(null);
  const hunks = useMemo(() => parseHunks(file.diff), [file.diff]);
  const shownHunks = useMemo(() => (hunkRevert ? hunks : null), [hunkRevert, hunks]);

  const absent = (side: string | null, status: boolean) => side === null && !status;
  const sides =
    !file.binary &&
    !file.tooLarge &&
    !absent(file.before, file.status === "added") &&
    !absent(file.after, file.status === "deleted");

  let body: ReactNode;
  if (file.binary)
    body = (
      <p data-testid="diff-binary" className="px-4 py-6 text-muted text-sm">
        A binary file (or one over 1 MiB): its contents are not shown.
      </p>
    );
  else if (!sides)
    body = file.diff ? (
      <PlainDiff diff={file.diff} />
    ) : (
      <p className="px-4 py-6 text-muted text-sm">No line changes (only the file's name or mode changed).</p>
    );
  else
    body = (
      <DiffEditor
        path={file.path}
        before={file.before ?? ""}
        after={file.after ?? ""}
        mode={mode}
        hunks={shownHunks}
        revertDisabled={revertDisabled}
        onRevertHunk={(index) => {
          const hunk = hunks[index];
          if (hunk) onRevertHunk(hunk);
        }}
        onSelection={setSelection}
        commented={commented}
      />
    );

  return (
    <div
      className={cn("flex min-w-0 flex-col", refreshing && "opacity-90")}
      data-testid="file-diff"
      data-path={file.path}
    >
      {sides ? (
        writing ? (
          <CommentForm
            selection={writing}
            onCancel={() => setWriting(null)}
            onAdd={(text) => {
              onAddComment(writing, text);
              setWriting(null);
            }}
          />
        ) : (
          <div className="flex h-8 shrink-0 items-center gap-2 border-line border-b px-3 text-xs">
            {selection ? (
              <>
                <span className="text-muted">
                  {selection.startLine === selection.endLine
                    ? `Line ${selection.startLine}`
                    : `Lines ${selection.startLine}–${selection.endLine}`}{" "}
                  selected{selection.side === "old" ? " (before)" : ""}
                </span>
                <Button size="sm" data-testid="comment-start" onClick={() => setWriting(selection)}>
                  Comment
                </Button>
              </>
            ) : (
              <span className="text-faint">Select lines to comment on them for the agent.</span>
            )}
          </div>
        )
      ) : null}
      {body}
    </div>
  );
}
