import { listStreamedEventsAfter } from "@/lib/db/queries/events";
import { subscribe } from "./bus";
import { listenForEvents } from "./fanout";
import { sharedFrame, storedFrame } from "./frames";

/** Most events read from the table per pull. */
export const REPLAY_PAGE = 250;
/**
 * Events in a replay's first page. Later pages hold about UNREAD_LIMIT of frames as large as the
 * last page's (at most REPLAY_PAGE events): a page of 250 flood events of 64 KiB would be 16 MiB
 * read, parsed and encoded at once.
 */
export const FIRST_REPLAY_PAGE = 8;
/** Bytes a viewer may leave unread before the stream stops queueing and reads from the table later. */
export const UNREAD_LIMIT = 512 * 1024;
export const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/** Events in the next replay page: about UNREAD_LIMIT of frames like the last page's. */
function nextPageSize(events: number, bytes: number): number {
  const fit = Math.floor((UNREAD_LIMIT * events) / Math.max(1, bytes));
  return Math.min(REPLAY_PAGE, Math.max(1, fit));
}

/**
 * Replays a session's events after `after`, then tails live ones, including those other app
 * instances write (lib/events/fanout.ts). Every event is in the table before it is published, so the
 * table is the source of truth and the stream only ever holds what its viewer can take: it reads a
 * page at a time as the viewer reads (a long replay never sits in memory at once), and a viewer that
 * stops reading while events arrive stops being sent them until it has read what it has, then
 * catches up from the table. Live events published while the stream is behind are only counted (the
 * highest seq seen), so it knows when it has caught up: nothing falls in the gap, nothing is sent twice.
 * `signal` ends the stream (the viewer left, or its login ended); `onEnd` runs once however it ends.
 */
export function sessionEventStream(
  sessionId: string,
  after: number,
  signal: AbortSignal,
  onEnd: () => void = () => {},
): ReadableStream<Uint8Array> {
  let last = after;
  let pageSize = FIRST_REPLAY_PAGE;
  let behind = true;
  let newest = after;
  let closed = false;
  let ended = false;
  let cleanup = () => {};

  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        const send = (bytes: Uint8Array) => {
          if (closed) return;
          try {
            controller.enqueue(bytes);
          } catch {
            closed = true;
          }
        };
        const unsubscribe = subscribe(sessionId, (event) => {
          newest = Math.max(newest, event.seq);
          if (behind || event.seq <= last) return;
          if ((controller.desiredSize ?? 0) <= 0) {
            // the viewer has not read what it has: the table keeps this event until it does
            behind = true;
            return;
          }
          last = event.seq;
          send(sharedFrame(event));
        });
        const ping = encoder.encode(": ping\n\n");
        const heartbeat = setInterval(() => send(ping), HEARTBEAT_MS);
        cleanup = () => {
          closed = true;
          if (ended) return;
          ended = true;
          unsubscribe();
          clearInterval(heartbeat);
          onEnd();
        };
        const stop = () => {
          cleanup();
          try {
            controller.close();
          } catch {}
        };
        if (signal.aborted) {
          stop();
          return;
        }
        signal.addEventListener("abort", stop, { once: true });
        send(encoder.encode("retry: 1000\n\n"));
        // Without the listener this instance still streams its own events; the error is logged there.
        await listenForEvents().catch(() => {});
      },

      async pull(controller) {
        try {
          while (behind && !closed) {
            const limit = pageSize;
            const page = await listStreamedEventsAfter(sessionId, last, limit);
            if (closed) return;
            let bytes = 0;
            for (const { event, data } of page) {
              if (event.seq <= last) continue;
              last = event.seq;
              newest = Math.max(newest, event.seq);
              const encoded = storedFrame(event, data);
              bytes += encoded.byteLength;
              controller.enqueue(encoded);
            }
            // a full page: the next pull (when the viewer has read this one) reads on
            if (page.length === limit) {
              pageSize = nextPageSize(page.length, bytes);
              return;
            }
            // caught up with the table and with every event published meanwhile: live from here
            if (newest <= last) behind = false;
          }
        } catch (error) {
          console.error("[ratchet] event replay failed", error);
          cleanup();
          controller.error(error);
        }
      },

      cancel() {
        cleanup();
      },
    },
    { highWaterMark: UNREAD_LIMIT, size: (chunk) => chunk.byteLength },
  );
}
