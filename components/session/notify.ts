import type { SessionEvent } from "@/lib/events/types";

/** A browser notification: what it says, and a tag so a repeat replaces it instead of stacking. */
export interface Notice {
  title: string;
  body: string;
  tag: string;
}

/**
 * The notification an event deserves, if any: a turn that ended on its own (finished, failed or
 * interrupted; one the person stopped needs no telling), or a tool the agent proposed, which waits for
 * a person's approval. Pure: the page decides whether to show it (permission, page in the background).
 */
export function noticeFor(event: SessionEvent, ctx: { title: string; openedAt: number }): Notice | null {
  // events replayed from the log when a page opens are history, not news: only what happened after
  // it opened notifies (a server clock behind the browser's can only make it miss one, not repeat one)
  if (Date.parse(event.at) < ctx.openedAt) return null;
  const session = ctx.title || "Untitled session";
  if (event.type === "turn-end") {
    if (event.status === "cancelled") return null;
    const title =
      event.status === "completed"
        ? "Ratchet: the agent finished"
        : event.status === "error"
          ? "Ratchet: the turn failed"
          : "Ratchet: the turn was interrupted";
    const why = event.status === "error" && event.error ? `: ${event.error}` : "";
    return { title, body: `${session}${why}`.slice(0, 200), tag: `turn-${event.turnId}` };
  }
  if (event.type === "tool-result" && event.tool === "propose_tool" && event.ok) {
    return {
      title: "Ratchet: a tool awaits your approval",
      body: `${session}: ${event.summary}`.slice(0, 200),
      tag: `proposal-${event.callId}`,
    };
  }
  return null;
}

/** Shows it where the person allowed notifications and is looking elsewhere; the page itself says the rest. */
export function showNotice(notice: Notice | null): void {
  if (!notice || typeof Notification === "undefined" || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible") return;
  new Notification(notice.title, { body: notice.body, tag: notice.tag });
}
