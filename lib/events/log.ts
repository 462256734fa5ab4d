import { insertEvents, maxEventSeq } from "@/lib/db/queries/events";
import { publish } from "./bus";
import { announceEvents } from "./fanout";
import type { SessionEvent, SessionEventBody } from "./types";

/**
 * Append-only per-session event log. Each event gets the next seq, is written to the
 * database, and only then published to live viewers, so a replay never misses what a
 * live viewer saw. Events appended while a write is in flight are written together;
 * adjacent text or output deltas in such a batch are coalesced into one event.
 */
interface SessionLog {
  nextSeq: number | null;
  pending: SessionEvent[];
  waiters: (() => void)[];
  failures: ((error: unknown) => void)[];
  flushing: Promise<void> | null;
}

const store = globalThis as unknown as { __ratchetLogs?: Map<string, SessionLog> };

/**
 * Sessions whose log stays cached (its next seq known without a query). Every session ever written
 * to would otherwise stay in memory for the life of the process; the least recently written idle
 * ones are dropped and read their next seq from the table again if they are written to later.
 */
export const CACHED_LOGS = 256;

function logFor(sessionId: string): SessionLog {
  store.__ratchetLogs ??= new Map();
  const logs = store.__ratchetLogs;
  let log = logs.get(sessionId);
  if (log) {
    // most recently written last
    logs.delete(sessionId);
  } else {
    log = { nextSeq: null, pending: [], waiters: [], failures: [], flushing: null };
    if (logs.size >= CACHED_LOGS) evictIdle(logs, logs.size - CACHED_LOGS + 1);
  }
  logs.set(sessionId, log);
  return log;
}

function evictIdle(logs: Map<string, SessionLog>, count: number): void {
  let evicted = 0;
  for (const [id, log] of logs) {
    if (evicted >= count) return;
    if (log.flushing || log.pending.length > 0) continue;
    logs.delete(id);
    evicted++;
  }
}

/** How many sessions' logs are cached (for tests and the soak's probe). */
export function cachedLogCount(): number {
  return store.__ratchetLogs?.size ?? 0;
}

function coalesce(last: SessionEvent | undefined, next: SessionEventBody): boolean {
  if (!last) return false;
  if (last.type === "text-delta" && next.type === "text-delta") {
    last.text += next.text;
    return true;
  }
  if (last.type === "reasoning-delta" && next.type === "reasoning-delta") {
    last.text += next.text;
    return true;
  }
  if (last.type === "tool-output" && next.type === "tool-output" && last.callId === next.callId) {
    last.chunk += next.chunk;
    return true;
  }
  return false;
}

const isSeqTaken = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error && error.code === "P2002";

/**
 * Numbers and writes a batch. The cached next seq is stale when another app instance wrote to the
 * session since (its turns can move between instances): then the seqs are read again, once.
 */
async function insertBatch(sessionId: string, log: SessionLog, batch: SessionEvent[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (log.nextSeq === null) log.nextSeq = (await maxEventSeq(sessionId)) + 1;
    for (const event of batch) event.seq = log.nextSeq++;
    try {
      await insertEvents(sessionId, batch);
      return;
    } catch (error) {
      log.nextSeq = null;
      if (attempt > 0 || !isSeqTaken(error)) throw error;
    }
  }
}

async function flush(sessionId: string, log: SessionLog): Promise<void> {
  while (log.pending.length > 0) {
    const batch = log.pending;
    const waiters = log.waiters;
    const failures = log.failures;
    log.pending = [];
    log.waiters = [];
    log.failures = [];
    try {
      await insertBatch(sessionId, log, batch);
    } catch (error) {
      log.nextSeq = null;
      for (const fail of failures) fail(error);
      continue;
    }
    for (const event of batch) publish(sessionId, event);
    await announce(sessionId, batch);
    for (const done of waiters) done();
  }
}

/** Other instances' viewers learn of the batch; they read it from the table, so a lost notice only delays them. */
async function announce(sessionId: string, batch: SessionEvent[]): Promise<void> {
  const first = batch[0];
  const last = batch.at(-1);
  if (!first || !last) return;
  try {
    await announceEvents(sessionId, first.seq, last.seq);
  } catch (error) {
    console.error("[ratchet] could not announce events to other instances", error);
  }
}

function schedule(sessionId: string, log: SessionLog): void {
  if (log.flushing) return;
  log.flushing = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => flush(sessionId, log))
    .finally(() => {
      log.flushing = null;
      if (log.pending.length > 0) schedule(sessionId, log);
    });
}

/** Appends an event; resolves once it is durable and published. */
export function appendEvent(sessionId: string, body: SessionEventBody): Promise<void> {
  const log = logFor(sessionId);
  const promise = new Promise<void>((resolve, reject) => {
    log.waiters.push(resolve);
    log.failures.push(reject);
  });
  if (!coalesce(log.pending.at(-1), body)) {
    log.pending.push({ ...body, seq: 0, at: new Date().toISOString() } as SessionEvent);
  }
  schedule(sessionId, log);
  return promise;
}

/** Resolves when everything appended so far for the session is written. */
export async function drainEvents(sessionId: string): Promise<void> {
  const log = store.__ratchetLogs?.get(sessionId);
  while (log?.flushing) await log.flushing;
}

/** Forget cached seq state (tests and crash recovery). */
export function resetEventLogs(): void {
  store.__ratchetLogs?.clear();
}
