import { randomUUID } from "node:crypto";
import pg from "pg";
import { listEventsAfter, notifyChannel } from "@/lib/db/queries/events";
import { env } from "@/lib/env";
import { processState } from "@/lib/process-state";
import { hasSubscribers, publish } from "./bus";

/**
 * Events across app instances on PostgreSQL. After an instance writes a batch of a session's
 * events it sends a NOTIFY with the session id and the batch's seqs; every other instance LISTENs
 * on a dedicated connection and, when it has viewers of that session, reads the new events from
 * the table and publishes them to its local bus. The table stays the source of truth: viewers
 * replay from it as usual and drop duplicates by seq. On SQLite (one instance) this is a no-op.
 */
export const EVENTS_CHANNEL = "ratchet_events";
const PAGE = 500;
const RECONNECT_MS = 1000;

export interface EventsNotice {
  instance: string;
  sessionId: string;
  first: number;
  last: number;
}

interface SessionCursor {
  cursor: number;
  target: number;
  pulling: Promise<void> | null;
}

interface Listener {
  instance: string;
  client: pg.Client | null;
  ready: Promise<void> | null;
  stopped: boolean;
  sessions: Map<string, SessionCursor>;
}

/** One listening connection per process, whichever copy of this module a route loaded. */
const state = processState<Listener>("events.fanout", () => ({
  instance: randomUUID(),
  client: null,
  ready: null,
  stopped: false,
  sessions: new Map(),
}));

const isPostgres = () => env().databaseProvider === "postgresql";

export function encodeNotice(notice: EventsNotice): string {
  return JSON.stringify(notice);
}

function decodeNotice(payload: string | undefined): EventsNotice | null {
  try {
    const value: unknown = JSON.parse(payload ?? "");
    if (typeof value !== "object" || value === null) return null;
    const { instance, sessionId, first, last } = value as Record<string, unknown>;
    if (typeof instance !== "string" || typeof sessionId !== "string") return null;
    if (!Number.isInteger(first) || !Number.isInteger(last)) return null;
    return { instance, sessionId, first: first as number, last: last as number };
  } catch {
    return null;
  }
}

/** Tells the other instances that events first..last of a session are in the table. */
export async function announceEvents(sessionId: string, first: number, last: number): Promise<void> {
  if (!isPostgres()) return;
  await notifyChannel(EVENTS_CHANNEL, encodeNotice({ instance: state().instance, sessionId, first, last }));
}

/**
 * Reads a session's events up to its target seq and publishes them locally, one reader per session.
 * A notice for events an earlier page already read must not start a read: the async body would
 * finish before its promise is stored, leaving `pulling` set for good and the session's viewers
 * stuck until they reconnect. An empty page ends the read only if no notice raised the target
 * meanwhile, or the last events of a turn could wait for a notice that never comes.
 */
function pull(sessionId: string, cursor: SessionCursor): void {
  if (cursor.pulling || cursor.cursor >= cursor.target) return;
  cursor.pulling = (async () => {
    try {
      while (cursor.cursor < cursor.target) {
        const wanted = cursor.target;
        const page = await listEventsAfter(sessionId, cursor.cursor, PAGE);
        if (page.length === 0) {
          // a notice that came in during the read names newer rows: read again
          if (cursor.target !== wanted) continue;
          cursor.target = cursor.cursor;
          break;
        }
        for (const event of page) {
          publish(sessionId, event);
          cursor.cursor = event.seq;
        }
      }
    } catch (error) {
      console.error("[ratchet] reading another instance's events failed", error);
    } finally {
      cursor.pulling = null;
    }
  })();
}

function onNotice(listener: Listener, notice: EventsNotice): void {
  if (notice.instance === listener.instance) return;
  if (!hasSubscribers(notice.sessionId)) {
    listener.sessions.delete(notice.sessionId);
    return;
  }
  let cursor = listener.sessions.get(notice.sessionId);
  if (!cursor) {
    cursor = { cursor: notice.first - 1, target: notice.last, pulling: null };
    listener.sessions.set(notice.sessionId, cursor);
  }
  cursor.target = Math.max(cursor.target, notice.last);
  pull(notice.sessionId, cursor);
}

/** After a lost connection, notices may be missing: read whatever the watched sessions gained. */
function catchUp(listener: Listener): void {
  for (const [sessionId, cursor] of listener.sessions) {
    if (!hasSubscribers(sessionId)) {
      listener.sessions.delete(sessionId);
      continue;
    }
    cursor.target = Number.MAX_SAFE_INTEGER;
    pull(sessionId, cursor);
  }
}

async function connect(listener: Listener): Promise<void> {
  const client = new pg.Client({ connectionString: env().databaseUrl });
  client.on("notification", (message) => {
    const notice = message.channel === EVENTS_CHANNEL ? decodeNotice(message.payload) : null;
    if (notice) onNotice(listener, notice);
  });
  client.on("error", (error) => {
    console.error("[ratchet] event listener connection lost; reconnecting", error.message);
    if (listener.client === client) reconnect(listener);
  });
  await client.connect();
  await client.query(`LISTEN ${EVENTS_CHANNEL}`);
  listener.client = client;
  catchUp(listener);
}

function reconnect(listener: Listener): void {
  listener.client?.end().catch(() => {});
  listener.client = null;
  listener.ready = null;
  setTimeout(() => {
    if (!listener.stopped) listenForEvents().catch(() => {});
  }, RECONNECT_MS).unref();
}

/**
 * Resolves once this instance hears the other instances' events (at once on SQLite). Viewers
 * await it before their replay, so no event can fall between the replay and the first notice.
 */
export function listenForEvents(): Promise<void> {
  if (!isPostgres()) return Promise.resolve();
  const listener = state();
  listener.stopped = false;
  listener.ready ??= connect(listener).catch((error: unknown) => {
    console.error("[ratchet] could not listen for other instances' events", error);
    reconnect(listener);
    throw error;
  });
  return listener.ready;
}

/** Closes the listening connection (tests and shutdown). */
export async function stopListening(): Promise<void> {
  const listener = state();
  listener.stopped = true;
  listener.ready = null;
  const client = listener.client;
  listener.client = null;
  await client?.end();
}
