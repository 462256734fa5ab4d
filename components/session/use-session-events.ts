"use client";

import { useEffect, useEffectEvent, useRef } from "react";
import type { SessionEvent } from "@/lib/events/types";
import { sessionsApi } from "../api-client";
import { openEventStream, type StreamState } from "./event-stream";

export type { StreamState } from "./event-stream";

/**
 * Subscribes to a session's event stream while `enabled` (see event-stream.ts): replay from the
 * start, then live, each event once and in order, resumed from the last one after a reconnect or
 * after being disabled and enabled again.
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
    return openEventStream({
      url: (after) => sessionsApi.eventsUrl(sessionId, after),
      lastSeq: lastSeqRef,
      onEvent: (event) => emitEvent(event),
      onState: (state) => emitState(state),
    });
  }, [sessionId, enabled]);
}
