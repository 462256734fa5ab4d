import { listEventsAfter } from "@/lib/db/queries/events";
import { subscribe } from "./bus";
import { listenForEvents } from "./fanout";
import type { SessionEvent } from "./types";

const REPLAY_PAGE = 500;
export const HEARTBEAT_MS = 15_000;

function frame(event: SessionEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Replays a session's events after `after`, then tails live ones, including those other app
 * instances write (lib/events/fanout.ts). The subscription and the cross-instance listener start
 * before the replay and live events are held until the replay is done, so nothing falls in the
 * gap and nothing is sent twice.
 */
export function sessionEventStream(
  sessionId: string,
  after: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let last = after;
      let replaying = true;
      const held: SessionEvent[] = [];
      let closed = false;
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          closed = true;
        }
      };
      const deliver = (event: SessionEvent) => {
        if (event.seq <= last) return;
        last = event.seq;
        send(frame(event));
      };
      const unsubscribe = subscribe(sessionId, (event) => (replaying ? held.push(event) : deliver(event)));
      const heartbeat = setInterval(() => send(": ping\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
      };
      signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {}
      });
      send("retry: 1000\n\n");
      // Without the listener this instance still streams its own events; the error is logged there.
      await listenForEvents().catch(() => {});
      try {
        for (;;) {
          const page = await listEventsAfter(sessionId, last, REPLAY_PAGE);
          for (const event of page) deliver(event);
          if (page.length < REPLAY_PAGE || closed) break;
        }
      } catch (error) {
        console.error("[ratchet] event replay failed", error);
        cleanup();
        controller.error(error);
        return;
      }
      replaying = false;
      for (const event of held.splice(0)) deliver(event);
    },
    cancel() {
      cleanup();
    },
  });
}
