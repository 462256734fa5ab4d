import { onAuthRevoked } from "@/lib/db/queries/auth-sessions";
import { ApiError } from "@/lib/errors";
import { processState } from "@/lib/process-state";
import { type Credentials, credentialKey, stillValid } from "./guard";

/**
 * Open event streams, per credential (a login, the owner's token, a member's token), on this
 * instance. 16 each: a browser holds at most 6 connections to one server over HTTP/1.1 (Next's
 * server speaks nothing else), so 16 leaves room for one behind an HTTP/2 proxy with a few tabs and
 * a script or two, while one credential can pin at most 16 × 512 KiB of unread events
 * (lib/events/sse.ts UNREAD_LIMIT) instead of a stream per request (1,500 streams held +222 MiB).
 */
export const MAX_STREAMS_PER_CREDENTIAL = 16;
/**
 * How often open streams check their credential again: another instance's logout, disable or token
 * reset reaches them within this. Revocations on this instance are announced and checked at once.
 */
export const RECHECK_MS = 3_000;

interface Holder {
  credentials: Credentials;
  controller: AbortController;
}

interface Registry {
  byKey: Map<string, Set<Holder>>;
  timer: NodeJS.Timeout | null;
  unsubscribe: (() => void) | null;
  running: Promise<void> | null;
  again: boolean;
}

const registry = processState<Registry>("auth.streams", () => ({
  byKey: new Map(),
  timer: null,
  unsubscribe: null,
  running: null,
  again: false,
}));

function close(key: string, holders: Set<Holder>): void {
  for (const holder of holders) holder.controller.abort();
  holders.clear();
  registry().byKey.delete(key);
}

async function recheckOnce(): Promise<void> {
  const reg = registry();
  for (const [key, holders] of [...reg.byKey]) {
    const first = holders.values().next().value;
    if (!first) continue;
    let valid = true;
    try {
      valid = await stillValid(first.credentials.proof);
    } catch (error) {
      // a database hiccup is not a revocation: the next round asks again
      console.error("[ratchet] could not re-check an event stream's login", error);
    }
    if (!valid) close(key, holders);
  }
}

/** Re-checks every open stream's credential now; overlapping calls fold into one more round. */
export function recheckStreams(): Promise<void> {
  const reg = registry();
  if (reg.running) {
    reg.again = true;
    return reg.running;
  }
  reg.running = (async () => {
    do {
      reg.again = false;
      await recheckOnce();
    } while (reg.again);
  })().finally(() => {
    reg.running = null;
  });
  return reg.running;
}

function startWatching(reg: Registry): void {
  if (reg.timer) return;
  reg.timer = setInterval(() => void recheckStreams(), RECHECK_MS);
  reg.timer.unref();
  reg.unsubscribe = onAuthRevoked(() => void recheckStreams());
}

function stopWatchingIfIdle(reg: Registry): void {
  if (reg.byKey.size > 0 || !reg.timer) return;
  clearInterval(reg.timer);
  reg.timer = null;
  reg.unsubscribe?.();
  reg.unsubscribe = null;
}

export interface StreamLease {
  /** Aborted when the credential stops logging in (logout, expiry, disabled user, token reset). */
  signal: AbortSignal;
  /** Gives the slot back; call once when the stream ends (more calls do nothing). */
  release(): void;
}

/** A slot for one more open stream of this credential, or 429 when it holds the maximum already. */
export function holdStream(credentials: Credentials): StreamLease {
  const reg = registry();
  const key = credentialKey(credentials.proof);
  const holders = reg.byKey.get(key) ?? new Set<Holder>();
  if (holders.size >= MAX_STREAMS_PER_CREDENTIAL) {
    throw new ApiError(
      "too_many_requests",
      `This login already has ${MAX_STREAMS_PER_CREDENTIAL} open event streams on this server (the most it may); close a tab or viewer of another session first.`,
    );
  }
  const holder: Holder = { credentials, controller: new AbortController() };
  holders.add(holder);
  reg.byKey.set(key, holders);
  startWatching(reg);
  let released = false;
  return {
    signal: holder.controller.signal,
    release() {
      if (released) return;
      released = true;
      const current = reg.byKey.get(key);
      current?.delete(holder);
      if (current?.size === 0) reg.byKey.delete(key);
      stopWatchingIfIdle(reg);
    },
  };
}

/** Open streams per credential on this instance (for tests and diagnostics). */
export function openStreamCount(credentials: Credentials): number {
  return registry().byKey.get(credentialKey(credentials.proof))?.size ?? 0;
}
