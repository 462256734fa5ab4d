import { eventData, insertEvents, maxEventSeq, SeqTakenError } from "@/lib/db/queries/events";
import { processState } from "@/lib/process-state";
import { publish } from "./bus";
import { announceEvents } from "./fanout";
import { rememberWritten } from "./frames";
import type { SessionEvent, SessionEventBody } from "./types";

/**
 * Append-only per-session event log. Each event gets the next seq, is written to the
 * database, and only then published to live viewers, so a replay never misses what a
 * live viewer saw. Events appended while a write is in flight are written together;
 * adjacent text or output deltas in such a batch are coalesced into one event (up to a bound).
 */
interface PendingEvent {
  event: SessionEvent;
  /** Characters of text the event carries (its size in the batch budget). */
  size: number;
  waiters: (() => void)[];
  failures: ((error: unknown) => void)[];
}

interface SessionLog {
  nextSeq: number | null;
  pending: PendingEvent[];
  flushing: Promise<void> | null;
}

/**
 * A command printing as fast as it can outruns the writes, and everything it prints meanwhile waits
 * for the next one: unbounded, that became events of several MiB and a write of up to the whole
 * 16 MiB output cap. Coalescing stops at MAX_EVENT_CHARS and a write takes at most BATCH_CHARS, so
 * one write, one event-stream frame and one replay page stay bounded whatever a command prints.
 * What such a flood cost in memory was not the split but Prisma's copies of every write's values and
 * its debug history keeping them (insertEvents writes through the driver now), and a command
 * printing faster than the writes: runProcess stops reading its pipe while the appends it made are
 * more than OUTPUT_BACKLOG behind (docs/benchmarks.md §19).
 */
export const MAX_EVENT_CHARS = 64 * 1024;
export const BATCH_CHARS = 1024 * 1024;

/**
 * Sessions whose log stays cached (its next seq known without a query). Every session ever written
 * to would otherwise stay in memory for the life of the process; the least recently written idle
 * ones are dropped and read their next seq from the table again if they are written to later.
 */
export const CACHED_LOGS = 256;

/** One log per session in the process: two copies numbering one session's events would collide. */
const sessionLogs = processState("events.logs", () => new Map<string, SessionLog>());

function logFor(sessionId: string): SessionLog {
  const logs = sessionLogs();
  let log = logs.get(sessionId);
  if (log) {
    // most recently written last
    logs.delete(sessionId);
  } else {
    log = { nextSeq: null, pending: [], flushing: null };
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
  return sessionLogs().size;
}

function deltaText(event: SessionEventBody): string | null {
  if (event.type === "text-delta" || event.type === "reasoning-delta") return event.text;
  if (event.type === "tool-output") return event.chunk;
  return null;
}

function sizeOf(event: SessionEventBody): number {
  return deltaText(event)?.length ?? JSON.stringify(event).length;
}

/** Adds a delta to the last pending event when it continues it and the event has room. */
function coalesce(last: PendingEvent, next: SessionEventBody): boolean {
  const added = deltaText(next);
  if (added === null || last.size + added.length > MAX_EVENT_CHARS) return false;
  const event = last.event;
  if (event.type === "text-delta" && next.type === "text-delta") event.text += next.text;
  else if (event.type === "reasoning-delta" && next.type === "reasoning-delta") event.text += next.text;
  else if (event.type === "tool-output" && next.type === "tool-output" && event.callId === next.callId)
    event.chunk += next.chunk;
  else return false;
  last.size += added.length;
  return true;
}

/** The pending events a write takes: at least one, then as many as fit in BATCH_CHARS. */
function takeBatch(log: SessionLog): PendingEvent[] {
  let size = 0;
  let count = 0;
  for (const entry of log.pending) {
    if (count > 0 && size + entry.size > BATCH_CHARS) break;
    size += entry.size;
    count++;
  }
  return log.pending.splice(0, count);
}

/**
 * Numbers and writes a batch. The cached next seq is stale when another app instance wrote to the
 * session since (its turns can move between instances): then the seqs are read again, once.
 */
async function insertBatch(sessionId: string, log: SessionLog, batch: SessionEvent[]): Promise<void> {
  // made once: the seq a retry changes is not in it, and live viewers' frames are made of it
  const data = batch.map(eventData);
  for (let attempt = 0; ; attempt++) {
    if (log.nextSeq === null) log.nextSeq = (await maxEventSeq(sessionId)) + 1;
    for (const event of batch) event.seq = log.nextSeq++;
    try {
      await insertEvents(sessionId, batch, data);
      for (const [i, event] of batch.entries()) rememberWritten(event, data[i] ?? eventData(event));
      return;
    } catch (error) {
      log.nextSeq = null;
      if (attempt > 0 || !(error instanceof SeqTakenError)) throw error;
    }
  }
}

async function flush(sessionId: string, log: SessionLog): Promise<void> {
  while (log.pending.length > 0) {
    const taken = takeBatch(log);
    const batch = taken.map((entry) => entry.event);
    try {
      await insertBatch(sessionId, log, batch);
    } catch (error) {
      log.nextSeq = null;
      for (const entry of taken) for (const fail of entry.failures) fail(error);
      continue;
    }
    for (const event of batch) publish(sessionId, event);
    await announce(sessionId, batch);
    for (const entry of taken) for (const done of entry.waiters) done();
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

/** The pending event a new body joins: the last one when the body continues it, else a new one. */
function pendingFor(log: SessionLog, body: SessionEventBody): PendingEvent {
  const last = log.pending.at(-1);
  if (last && coalesce(last, body)) return last;
  const entry: PendingEvent = {
    event: { ...body, seq: 0, at: new Date().toISOString() } as SessionEvent,
    size: sizeOf(body),
    waiters: [],
    failures: [],
  };
  log.pending.push(entry);
  return entry;
}

/** Appends an event; resolves once it is durable and published. */
export function appendEvent(sessionId: string, body: SessionEventBody): Promise<void> {
  const log = logFor(sessionId);
  const entry = pendingFor(log, body);
  const promise = new Promise<void>((resolve, reject) => {
    entry.waiters.push(resolve);
    entry.failures.push(reject);
  });
  schedule(sessionId, log);
  return promise;
}

/** Resolves when everything appended so far for the session is written. */
export async function drainEvents(sessionId: string): Promise<void> {
  const log = sessionLogs().get(sessionId);
  while (log?.flushing) await log.flushing;
}

/** Forget cached seq state (tests and crash recovery). */
export function resetEventLogs(): void {
  sessionLogs().clear();
}
