import { randomBytes } from "node:crypto";
import os from "node:os";
import { claimLease, dropLease, extendLeases, type LeaseHolder, leasedBy } from "@/lib/db/queries/leases";
import { processState } from "@/lib/process-state";
import { activeTurns, stopTurn } from "./active-turns";

/**
 * Turn ownership across app instances. The instance running a session's turn holds a lease on the
 * session row (`leaseOwner`, `leaseExpiresAt`), taken with one conditional UPDATE, so of two
 * instances racing for a session exactly one wins. A heartbeat extends the leases of running turns;
 * if an instance dies, its leases lapse and another instance's sweeper (lib/boot/sweeper.ts) marks
 * those sessions interrupted. Worst case from death to "interrupted": LEASE_MS + SWEEP_MS.
 */
export const LEASE_MS = 20_000;
export const HEARTBEAT_MS = 5_000;

/** Who takes a lease: an owner id (and, in tests that play two instances, the other one's client). */
export type { LeaseHolder };

interface LeaseState {
  instance: string;
  /** Sessions whose lease this process holds for a running turn → when it was last confirmed. */
  held: Map<string, number>;
  timer: NodeJS.Timeout | null;
  beating: boolean;
}

const state = processState<LeaseState>("agent.lease", () => ({
  instance: `${os.hostname()}/${process.pid}/${randomBytes(4).toString("hex")}`,
  held: new Map(),
  timer: null,
  beating: false,
}));

/** This process's id as a lease owner: host/pid/random, new on every start. */
export function instanceId(): string {
  return state().instance;
}

export function localHolder(): LeaseHolder {
  return { owner: instanceId() };
}

/** Takes the session's lease if it is free, lapsed, or already the holder's. Atomic: one UPDATE. */
export async function tryAcquireLease(
  holder: LeaseHolder,
  sessionId: string,
  now = new Date(),
): Promise<boolean> {
  return claimLease(holder, sessionId, now, new Date(now.getTime() + LEASE_MS));
}

/** Extends the holder's leases; returns the sessions whose lease it no longer holds. */
export async function renewLeases(
  holder: LeaseHolder,
  sessionIds: string[],
  now = new Date(),
): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const count = await extendLeases(holder, sessionIds, new Date(now.getTime() + LEASE_MS));
  if (count === sessionIds.length) return [];
  const kept = await leasedBy(holder, sessionIds);
  return sessionIds.filter((id) => !kept.has(id));
}

/** Gives the lease up, if the holder still has it. */
export async function releaseLease(holder: LeaseHolder, sessionId: string): Promise<void> {
  await dropLease(holder, sessionId);
}

/** Stops a local turn whose lease is gone: another instance may now run (or has interrupted) it. */
function leaseLost(sessionId: string, why: string): void {
  state().held.delete(sessionId);
  if (!activeTurns().has(sessionId)) return;
  console.error(`[ratchet] lost the lease of session ${sessionId} (${why}); stopping its turn here`);
  void stopTurn(sessionId, "shutdown");
}

/** One heartbeat: extends every held lease; a lease that could not be confirmed for LEASE_MS is given up. */
export async function heartbeat(now = Date.now()): Promise<void> {
  const s = state();
  if (s.beating || s.held.size === 0) return;
  s.beating = true;
  const ids = [...s.held.keys()];
  try {
    const lost = await renewLeases(localHolder(), ids, new Date(now));
    for (const id of ids) if (s.held.has(id)) s.held.set(id, now);
    for (const id of lost) leaseLost(id, "another instance took it over");
  } catch (error) {
    console.error("[ratchet] could not renew turn leases", error);
    for (const [id, confirmed] of s.held) {
      if (now - confirmed >= LEASE_MS) leaseLost(id, `not renewed for ${LEASE_MS / 1000} s`);
    }
  } finally {
    s.beating = false;
  }
}

function startHeartbeat(): void {
  const s = state();
  if (s.timer) return;
  s.timer = setInterval(() => void heartbeat(), HEARTBEAT_MS);
  s.timer.unref();
}

/** For the runner: takes the lease before a turn starts and keeps it alive while the turn runs. */
export async function acquireTurnLease(sessionId: string): Promise<boolean> {
  if (!(await tryAcquireLease(localHolder(), sessionId))) return false;
  state().held.set(sessionId, Date.now());
  startHeartbeat();
  return true;
}

/** For the runner: gives the lease up once the turn has ended. */
export async function releaseTurnLease(sessionId: string): Promise<void> {
  state().held.delete(sessionId);
  await releaseLease(localHolder(), sessionId);
}

/** Sessions whose lease this process holds (tests, shutdown). */
export function heldLeases(): string[] {
  return [...state().held.keys()];
}
