import { createParser } from "eventsource-parser";
import type { SessionEvent } from "@/lib/events/types";

export type StreamState = "connecting" | "live" | "reconnecting";

/** The wait before reconnecting after a stream that was live ends; the server's `retry:` replaces it. */
const RETRY_MS = 1000;
/** Connections that fail to open back off, doubling up to this. */
const MAX_BACKOFF_MS = 10_000;

export interface EventStreamOptions {
  /** The stream's address for the events after `after`. */
  url: (after: number) => string;
  /** The newest seq delivered so far; kept by the caller so that a stream opened again resumes. */
  lastSeq: { current: number };
  onEvent: (event: SessionEvent) => void;
  onState: (state: StreamState) => void;
  /** The first wait before reconnecting, until the server sends its own `retry:`. */
  retryMs?: number;
}

function parseEvent(data: string): SessionEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return null;
    const { seq, type } = value as { seq?: unknown; type?: unknown };
    // a seq is the log's row number: what is not one would be sent back as `after` and refused
    if (!Number.isSafeInteger(seq) || (seq as number) < 1 || typeof type !== "string") return null;
    return value as SessionEvent;
  } catch {
    return null;
  }
}

/**
 * Reads a session's event stream (server-sent events) until closed: replay, then live. Each event
 * reaches `onEvent` once and in order (a seq ≤ the last delivered is dropped). A stream that ends,
 * drops or is refused is opened again from the last seq delivered: after the server's `retry:` when
 * it had been live, with a doubling backoff while it cannot open. Returns the function that closes it.
 *
 * Read with fetch and a streaming parser, not EventSource: over the same 10 MB of output Chrome's
 * EventSource took twice as long on the page's main thread, the thread the session page's terminal
 * parses on (docs/benchmarks.md §25).
 */
export function openEventStream(options: EventStreamOptions): () => void {
  const { url, lastSeq, onEvent, onState } = options;
  const controller = new AbortController();
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryMs = options.retryMs ?? RETRY_MS;
  let backoff = retryMs;

  const parser = createParser({
    onEvent: (message) => {
      // what EventSource's onmessage received: unnamed events only
      if (message.event !== undefined && message.event !== "message") return;
      const event = parseEvent(message.data);
      if (!event || event.seq <= lastSeq.current) return;
      lastSeq.current = event.seq;
      try {
        onEvent(event);
      } catch (error) {
        // as with EventSource's listeners: the failure is reported and the stream goes on
        const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
        if (report) report(error);
        else console.error(error);
      }
    },
    onRetry: (ms) => {
      retryMs = ms;
    },
  });

  const read = async (attempt: { live: boolean }): Promise<void> => {
    const response = await fetch(url(lastSeq.current), {
      headers: { accept: "text/event-stream" },
      cache: "no-store",
      signal: controller.signal,
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return;
    }
    attempt.live = true;
    backoff = retryMs;
    onState("live");
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done || controller.signal.aborted) return;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  };

  const retry = (wasLive: boolean) => {
    if (controller.signal.aborted) return;
    onState("reconnecting");
    const delay = wasLive ? retryMs : backoff;
    if (!wasLive) backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    retryTimer = setTimeout(open, delay);
  };

  function open(): void {
    retryTimer = null;
    parser.reset();
    const attempt = { live: false };
    // a refused, dropped or ended stream: all are opened again, from the last seq delivered
    read(attempt)
      .catch(() => {})
      .finally(() => retry(attempt.live));
  }

  onState("connecting");
  open();
  return () => {
    controller.abort();
    if (retryTimer !== null) clearTimeout(retryTimer);
  };
}
