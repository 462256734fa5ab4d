"use client";

import { useCallback, useEffect, useState } from "react";
import { sessionsApi } from "../api-client";
import { formatReview, loadComments, type ReviewComment, saveComments } from "./review";

function newId(): string {
  // randomUUID needs a secure context; a LAN install over plain http is not one
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A session's pending review: kept in localStorage (a reload keeps it) until it is sent to the
 * agent as one message, or discarded.
 */
export function useReview(sessionId: string) {
  const [comments, setComments] = useState<ReviewComment[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setComments(loadComments(window.localStorage, sessionId));
  }, [sessionId]);

  const update = useCallback(
    (change: (prev: ReviewComment[]) => ReviewComment[]) =>
      setComments((prev) => {
        const next = change(prev);
        saveComments(window.localStorage, sessionId, next);
        return next;
      }),
    [sessionId],
  );

  /** True when the review went out. */
  async function send(): Promise<boolean> {
    if (comments.length === 0) return false;
    setSending(true);
    setError(null);
    const result = await sessionsApi.send(sessionId, formatReview(comments));
    setSending(false);
    if (result.ok) {
      update(() => []);
      return true;
    }
    setError(result.status === 409 ? "A turn is running: send the review when it ends." : result.message);
    return false;
  }

  return {
    comments,
    sending,
    error,
    add: (comment: Omit<ReviewComment, "id">) => update((prev) => [...prev, { ...comment, id: newId() }]),
    remove: (id: string) => update((prev) => prev.filter((c) => c.id !== id)),
    discard: () => {
      setError(null);
      update(() => []);
    },
    send,
  };
}
