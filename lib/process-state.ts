/**
 * State that must exist once per process: registries (running turns, event logs, open streams),
 * the database client, timers, queues and caches.
 *
 * A module-level `const` is not enough: Next bundles a server module into several chunks (each
 * route, the instrumentation hook, server components), each chunk evaluates its own copy of the
 * module, and each copy would keep its own map, client or timer. A turn started through one route
 * would then be invisible to the stop route, and a sandbox initialized at boot would not be the one
 * a turn's commands use (docs/security.md, rows 11 and 16). So every such value lives in one
 * registry on `globalThis`, under a `Symbol.for` key that every copy of every module (this one
 * included) reaches, and is found there by name. It also survives `next dev`'s hot reloads.
 *
 * Names are `<folder>.<what>` (`agent.turns`, `db.client`): one name, one owner module. Values
 * that derive from something that can change (files, the database, the clock) say next to their
 * slot when they are stale; time-bounded ones use `memo` (lib/memo.ts).
 */
const REGISTRY = Symbol.for("ratchet.process-state");
const holder = globalThis as typeof globalThis & { [REGISTRY]?: Map<string, unknown> };
holder[REGISTRY] ??= new Map();
/** The same map in every copy of this module; held here so hot paths (db(), env()) skip globalThis. */
const slots = holder[REGISTRY];

/** A named process-wide value: call it to get the value, created on first use. */
export interface ProcessState<T> {
  (): T;
  /** Replaces the value (a test's clock, a rotated token). */
  set(value: T): void;
  /** Forgets the value: the next call creates a new one. */
  reset(): void;
}

/**
 * The process-wide value called `name`, made by `create` on the first call anywhere in the process.
 * `create` may have side effects (a timer, an exit hook): they happen once. When it throws, nothing
 * is kept and the next call tries again.
 */
export function processState<T>(name: string, create: () => T): ProcessState<T> {
  const get = (): T => {
    const kept = slots.get(name);
    if (kept !== undefined || slots.has(name)) return kept as T;
    const value = create();
    slots.set(name, value);
    return value;
  };
  return Object.assign(get, {
    set: (value: T) => void slots.set(name, value),
    reset: () => void slots.delete(name),
  });
}
