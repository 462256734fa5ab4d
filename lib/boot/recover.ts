import { failRunningToolParts } from "@/lib/db/queries/messages";
import { forgetAllProcesses, listProcesses } from "@/lib/db/queries/processes";
import { startReflection } from "@/lib/db/queries/reflections";
import { findRunningSessions, interruptRunningTurns, setSessionStatus } from "@/lib/db/queries/sessions";
import { appendEvent } from "@/lib/events/log";
import { reapOrphans } from "@/lib/sandbox";

export const INTERRUPTED_NOTE =
  "Ratchet stopped while a turn was running (crash or restart). The transcript up to that point is intact; send a message to continue.";

/**
 * Crash recovery at boot: sessions a dead server left running become interrupted, their
 * unfinished tool calls are closed, and any process group they left behind is killed.
 */
export async function recoverFromCrash(): Promise<{ sessions: number; reaped: number }> {
  const processes = await listProcesses();
  const reaped = await reapOrphans(processes.map((p) => ({ pgid: p.pgid, marker: p.marker })));
  await forgetAllProcesses();
  const running = await findRunningSessions();
  for (const { id } of running) {
    await interruptRunningTurns(id);
    await failRunningToolParts(id, "Interrupted: the server stopped during this call.");
    await setSessionStatus(id, "interrupted", INTERRUPTED_NOTE);
    await startReflection(id, "interrupted");
    await appendEvent(id, { type: "turn-end", turnId: "", status: "interrupted", error: INTERRUPTED_NOTE });
    await appendEvent(id, { type: "status", status: "interrupted", note: INTERRUPTED_NOTE });
  }
  return { sessions: running.length, reaped };
}
