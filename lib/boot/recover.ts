import {
  forgetAllProcesses,
  forgetProcesses,
  listLeftoverProcesses,
  listProcesses,
} from "@/lib/db/queries/processes";
import { findRunningSessions } from "@/lib/db/queries/sessions";
import { env } from "@/lib/env";
import { reapOrphans } from "@/lib/sandbox";
import { interruptSession } from "./interrupt";
import { sweepLapsedLeases } from "./sweeper";

export const INTERRUPTED_NOTE =
  "Ratchet stopped while a turn was running (crash or restart). The transcript up to that point is intact; send a message to continue.";

/** SQLite has one app instance: every session left running is this server's own, from before it died. */
async function recoverSingleInstance(): Promise<{ sessions: number; reaped: number }> {
  const processes = await listProcesses();
  const reaped = await reapOrphans(processes.map((p) => ({ pgid: p.pgid, marker: p.marker })));
  await forgetAllProcesses();
  const running = await findRunningSessions();
  for (const { id } of running) await interruptSession(id, INTERRUPTED_NOTE);
  return { sessions: running.length, reaped };
}

/**
 * On PostgreSQL other instances may be running turns right now: only sessions whose lease lapsed are
 * interrupted (the sweeper catches the rest once their lease runs out), and only the process groups
 * of sessions no live instance holds are reaped (those on this host: markers are checked), then
 * their records are forgotten.
 */
async function recoverShared(): Promise<{ sessions: number; reaped: number }> {
  const now = new Date();
  const swept = await sweepLapsedLeases({ now, unleased: true });
  const stale = await listLeftoverProcesses(now);
  const reaped = await reapOrphans(stale.map((p) => ({ pgid: p.pgid, marker: p.marker })));
  await forgetProcesses(stale.map((p) => p.marker));
  return { sessions: swept.length, reaped };
}

/**
 * Crash recovery at boot: sessions a dead server left running become interrupted, their
 * unfinished tool calls are closed, and any process group they left behind is killed.
 */
export function recoverFromCrash(): Promise<{ sessions: number; reaped: number }> {
  return env().databaseProvider === "sqlite" ? recoverSingleInstance() : recoverShared();
}
