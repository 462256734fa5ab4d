import { EventEmitter } from "node:events";
import type { SessionEvent } from "./types";

type Listener = (event: SessionEvent) => void;

const store = globalThis as unknown as { __ratchetBus?: EventEmitter };

function emitter(): EventEmitter {
  if (!store.__ratchetBus) {
    store.__ratchetBus = new EventEmitter();
    // Any number of viewers may watch one session.
    store.__ratchetBus.setMaxListeners(0);
  }
  return store.__ratchetBus;
}

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
