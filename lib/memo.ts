import { processState } from "./process-state";

/**
 * Values computed at most once per `maxAgeMs`, kept once per process (lib/process-state.ts).
 *
 * - A kept value is served while it is younger than `maxAgeMs`, counted from when its computation
 *   started (what it read is at least that old). `Infinity` keeps it until invalidated.
 * - Callers asking while a computation runs share it: one computation, however many callers.
 * - A failed computation is not kept: its callers get the error, the next caller starts again,
 *   and a value kept before stays as it was.
 * - `invalidate` forgets the value; a computation already running then keeps nothing, so no caller
 *   after the invalidation gets a value computed before it.
 * - `refresh(olderThanMs)` renews a kept value older than that while callers go on getting the old
 *   one (a turn refreshes after it ends, so the next turn need not wait). It never computes a
 *   value nobody asked for.
 */
export interface MemoOptions<K, T> {
  maxAgeMs: number;
  compute: (key: K) => Promise<T>;
  /** The clock, for tests. */
  now?: () => number;
}

export interface KeyedMemo<K, T> {
  get(key: K): Promise<T>;
  /** Renews the key's value if it is older than `olderThanMs`; shares a computation already running. */
  refresh(key: K, olderThanMs: number): Promise<void>;
  /** A value is kept and not expired, or is being computed. */
  has(key: K): boolean;
  /** Keeps a value obtained some other way, as if computed now. */
  remember(key: K, value: T): void;
  /** Forgets one key, or every key. */
  invalidate(key?: K): void;
  /** Keys whose value is kept or being computed (expired ones count until asked for again). */
  size(): number;
}

export interface Memo<T> {
  get(): Promise<T>;
  refresh(olderThanMs: number): Promise<void>;
  invalidate(): void;
}

interface Entry<T> {
  kept: { at: number; value: T } | null;
  running: Promise<T> | null;
}

/** A memo per key (each key computed and expiring on its own), named like a process-state slot. */
export function keyedMemo<K, T>(name: string, opts: MemoOptions<K, T>): KeyedMemo<K, T> {
  const entries = processState(name, () => new Map<K, Entry<T>>());
  const now = opts.now ?? Date.now;
  const youngerThan = (kept: Entry<T>["kept"] | undefined, ms: number) =>
    kept ? now() - kept.at < ms : false;

  function start(key: K, entry: Entry<T>): Promise<T> {
    const at = now();
    // a compute that throws before its first await fails like one that rejects
    const running = new Promise<T>((resolve) => resolve(opts.compute(key)));
    entry.running = running;
    const settle = (value?: { value: T }) => {
      if (entry.running === running) entry.running = null;
      const current = entries().get(key) === entry;
      if (current && value) entry.kept = { at, value: value.value };
      if (current && !entry.kept && !entry.running) entries().delete(key);
    };
    running.then(
      (value) => settle({ value }),
      () => settle(),
    );
    return running;
  }

  function entryFor(key: K): Entry<T> {
    const map = entries();
    let entry = map.get(key);
    if (!entry) {
      entry = { kept: null, running: null };
      map.set(key, entry);
    }
    return entry;
  }

  return {
    get(key) {
      const entry = entries().get(key);
      const kept = entry?.kept;
      if (kept && youngerThan(kept, opts.maxAgeMs)) return Promise.resolve(kept.value);
      if (entry?.running) return entry.running;
      return start(key, entryFor(key));
    },
    refresh(key, olderThanMs) {
      const entry = entries().get(key);
      if (entry?.running) return entry.running.then(() => undefined);
      if (!entry?.kept || youngerThan(entry.kept, olderThanMs)) return Promise.resolve();
      return start(key, entry).then(() => undefined);
    },
    has(key) {
      const entry = entries().get(key);
      return Boolean(entry?.running) || youngerThan(entry?.kept, opts.maxAgeMs);
    },
    remember(key, value) {
      entryFor(key).kept = { at: now(), value };
    },
    invalidate(key) {
      if (key === undefined) entries().clear();
      else entries().delete(key);
    },
    size() {
      return entries().size;
    },
  };
}

/** One time-bounded value, named like a process-state slot. */
export function memo<T>(name: string, opts: MemoOptions<void, T>): Memo<T> {
  const table = keyedMemo<null, T>(name, { ...opts, compute: () => opts.compute() });
  return {
    get: () => table.get(null),
    refresh: (olderThanMs) => table.refresh(null, olderThanMs),
    invalidate: () => table.invalidate(),
  };
}
