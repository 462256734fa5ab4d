import { EventEmitter } from "node:events";
import { processState } from "@/lib/process-state";
import type { SessionEvent } from "./types";

type Listener = (event: SessionEvent) => void;

const emitter = processState("events.bus", () => {
  const bus = new EventEmitter();
  // Any number of viewers may watch one session.
  bus.setMaxListeners(0);
  return bus;
});

export function publish(sessionId: string, event: SessionEvent): void {
  emitter().emit(sessionId, event);
}

export function subscribe(sessionId: string, listener: Listener): () => void {
  emitter().on(sessionId, listener);
  return () => emitter().off(sessionId, listener);
}

export function hasSubscribers(sessionId: string): boolean {
  return emitter().listenerCount(sessionId) > 0;
}
