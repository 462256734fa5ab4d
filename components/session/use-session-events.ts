"use client";

import { useEffect, useEffectEvent, useRef } from "react";
import type { SessionEvent } from "@/lib/events/types";
import { sessionsApi } from "../api-client";

export type StreamState = "connecting" | "live" | "reconnecting";

function parseEvent(data: string): SessionEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return null;
    const { seq, type } = value as { seq?: unknown; type?: unknown };
    if (typeof seq !== "number" || !Number.isFinite(seq) || typeof type !== "string") return null;
    return value as SessionEvent;
  } catch {
    return null;
  }
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Subscribes to a session's event stream: replay from the start, then live.
 * Each event reaches `onEvent` once and in order (seq ≤ the last seen is dropped).
 * The browser's EventSource retries by itself (sending Last-Event-ID); if it gives
 * up (e.g. the server was down), we reopen from the last seq with a backoff.
 */
export function useSessionEvents(
  sessionId: string,
  onEvent: (event: SessionEvent) => void,
  onStreamState: (state: StreamState) => void,
  enabled = true,
): void {
  const emitEvent = useEffectEvent(onEvent);
  const emitState = useEffectEvent(onStreamState);
  const lastSeqRef = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retryTimer: number | null = null;
    let backoff = 1000;
    let stopped = false;

    const open = () => {
      if (stopped) return;
      const es = new EventSource(sessionsApi.eventsUrl(sessionId, lastSeqRef.current));
      source = es;
      es.onopen = () => {
        backoff = 1000;
        emitState("live");
      };
      es.onmessage = (message: MessageEvent<string>) => {
        const event = parseEvent(message.data);
        if (!event || event.seq <= lastSeqRef.current) return;
        lastSeqRef.current = event.seq;
        emitEvent(event);
      };
      es.onerror = () => {
        if (stopped) return;
        emitState("reconnecting");
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          retryTimer = window.setTimeout(open, backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      };
    };

    emitState("connecting");
    open();
    return () => {
      stopped = true;
      if (retryTimer !== null) window.clearTimeout(retryTimer);
      source?.close();
    };
  }, [sessionId, enabled]);
}
