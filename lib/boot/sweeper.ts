import { activeTurns } from "@/lib/agent/active-turns";
import { instanceId, LEASE_MS, type LeaseHolder, releaseLease, tryAcquireLease } from "@/lib/agent/lease";
import { listLeftoverProcesses } from "@/lib/db/queries/processes";
import { findLapsedSessions, sessionStatus } from "@/lib/db/queries/sessions";
import { queueReflection } from "@/lib/learning/reflection";
import { processState } from "@/lib/process-state";
import { reapOrphans } from "@/lib/sandbox";
import { interruptSession } from "./interrupt";

/** How often every instance looks for running sessions whose lease lapsed. */
export const SWEEP_MS = 5_000;

export const LEASE_LAPSED_NOTE =
  "The Ratchet instance running this turn stopped (crash, restart or lost connection), and another instance marked it interrupted. The transcript up to that point is intact; send a message to continue.";

/** The sweeper claims a session under its own owner id, so this instance's runner cannot take it meanwhile. */
export function sweepHolder(): LeaseHolder {
  return { owner: `${instanceId()}#sweep` };
}

/** Markers of leftover process records this process has tried to reap: each is tried once. */
const reapTried = processState("boot.reapTried", () => new Set<string>());

/**
 * Kills the command groups dead turns left on this host (each group's marker is checked, so nothing
 * else is ever killed; groups on other hosts are left to their own instances). Each record is tried
 * once per process; a record stays until an instance's boot forgets it, so the instance that
 * restarts on the host where they run still finds it.
 */
export async function reapLeftovers(now = new Date()): Promise<number> {
  const tried = reapTried();
  const fresh = (await listLeftoverProcesses(now)).filter((p) => !tried.has(p.marker));
  if (fresh.length === 0) return 0;
  for (const p of fresh) tried.add(p.marker);
  const killed = await reapOrphans(fresh.map((p) => ({ pgid: p.pgid, marker: p.marker })));
  if (killed) console.log(`[ratchet] killed ${killed} process group(s) left by stopped turns`);
  return killed;
}

export interface SweepOptions {
  now?: Date;
  holder?: LeaseHolder;
  /** Also sessions left running with no lease at all (by a version before leases): at boot only. */
  unleased?: boolean;
}

/**
 * Interrupts every running session whose lease lapsed (its instance died or lost the database) and
 * queues its reflection. Each one is first claimed with the same conditional update as a turn's
 * lease, so of several sweeping instances exactly one handles it. Returns the sessions it handled.
 */
export async function sweepLapsedLeases(opts: SweepOptions = {}): Promise<string[]> {
  const { now = new Date(), holder = sweepHolder(), unleased = false } = opts;
  const candidates = await findLapsedSessions(now, unleased);
  const swept: string[] = [];
  for (const { id } of candidates) {
    // A turn of our own whose lease lapsed is stopped by the heartbeat, not interrupted from outside.
    if (activeTurns().has(id)) continue;
    try {
      if (!(await tryAcquireLease(holder, id, now))) continue;
      if ((await sessionStatus(id)) !== "running") {
        await releaseLease(holder, id);
        continue;
      }
      await interruptSession(id, LEASE_LAPSED_NOTE);
      await releaseLease(holder, id);
      void queueReflection(id, "interrupted");
      swept.push(id);
    } catch (error) {
      // the claim lapses by itself and the next sweep tries again
      console.error(`[ratchet] could not interrupt session ${id} after its lease lapsed`, error);
    }
  }
  return swept;
}

export function startLeaseSweeper(): void {
  sweepTimer();
}

/** One timer per process, however often boot calls it. */
const sweepTimer = processState("boot.sweepTimer", () => {
  let sweeping = false;
  return setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepLapsedLeases()
      .then(async (swept) => {
        if (swept.length)
          console.log(`[ratchet] ${swept.length} session(s) marked interrupted: their instance stopped`);
        await reapLeftovers();
      })
      .catch((error) => console.error("[ratchet] lease sweep failed", error))
      .finally(() => {
        sweeping = false;
      });
  }, SWEEP_MS).unref();
});

/** Worst case from an instance's death to its sessions being interrupted. */
export const TAKEOVER_MS = LEASE_MS + SWEEP_MS;
