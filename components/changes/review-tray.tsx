"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { commentTarget, type ReviewComment, sortComments } from "./review";

/**
 * The comments written so far, kept in the browser until sent: one list across files and scopes,
 * sent to the agent as one message.
 */
export function ReviewTray({
  comments,
  sending,
  sendDisabled,
  error,
  onShow,
  onRemove,
  onSend,
  onDiscard,
}: {
  comments: readonly ReviewComment[];
  sending: boolean;
  /** Why the review cannot go now (a turn is running), or null. */
  sendDisabled: string | null;
  error: string | null;
  onShow(comment: ReviewComment): void;
  onRemove(id: string): void;
  onSend(): void;
  onDiscard(): void;
}) {
  const [open, setOpen] = useState(true);
  if (comments.length === 0) return null;
  const sorted = sortComments(comments);
  return (
    <section
      aria-label="Review comments"
      data-testid="review-tray"
      className="shrink-0 border-line border-t bg-panel-2"
    >
      <div className="flex h-9 items-center gap-2 px-3">
        <button
          type="button"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          className="font-medium text-fg text-sm hover:underline"
        >
          Review · <span data-testid="review-count">{comments.length}</span>{" "}
          {comments.length === 1 ? "comment" : "comments"}
        </button>
        <span className="ml-auto" />
        <Button size="sm" variant="ghost" data-testid="review-discard" disabled={sending} onClick={onDiscard}>
          Discard
        </Button>
        <Button
          size="sm"
          variant="primary"
          data-testid="review-send"
          disabled={sending || sendDisabled !== null}
          title={sendDisabled ?? "Send every comment to the agent as one message"}
          onClick={onSend}
        >
          {sending ? "Sending…" : "Send review"}
        </Button>
      </div>
      {error ? (
        <p role="alert" className="px-3 pb-2 text-red-300 text-xs">
          {error}
        </p>
      ) : null}
      {open ? (
        <ol className="max-h-40 overflow-y-auto border-line border-t">
          {sorted.map((c) => (
            <li
              key={c.id}
              data-testid="review-comment"
              className="group flex items-start gap-2 px-3 py-1.5 text-xs"
            >
              <button type="button" onClick={() => onShow(c)} className="min-w-0 flex-1 text-left">
                <span className="block truncate font-mono text-accent-text">{commentTarget(c)}</span>
                <span className="line-clamp-2 whitespace-pre-wrap break-words text-muted">{c.comment}</span>
              </button>
              <span className="shrink-0 text-faint">{c.scope}</span>
              <button
                type="button"
                aria-label={`Remove the comment on ${commentTarget(c)}`}
                onClick={() => onRemove(c.id)}
                className="shrink-0 rounded px-1 text-faint hover:bg-hover hover:text-fg"
              >
                ×
              </button>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
