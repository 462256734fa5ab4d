import { failRunningToolParts } from "@/lib/db/queries/messages";
import { startReflection } from "@/lib/db/queries/reflections";
import { clearLease, interruptRunningTurns, setSessionStatus } from "@/lib/db/queries/sessions";
import { appendEvent } from "@/lib/events/log";

/**
 * Closes a turn that nobody runs any more: the turn and its unfinished tool calls become
 * interrupted, the session says why, and its reflection is recorded as owed. The caller queues it.
 */
export async function interruptSession(id: string, note: string): Promise<void> {
  await interruptRunningTurns(id);
  await failRunningToolParts(id, "Interrupted: the server stopped during this call.");
  await setSessionStatus(id, "interrupted", note);
  // Only once it no longer says running: a sweeper that could claim the freed lease sees it is done.
  await clearLease(id);
  await startReflection(id, "interrupted");
  await appendEvent(id, { type: "turn-end", turnId: "", status: "interrupted", error: note });
  await appendEvent(id, { type: "status", status: "interrupted", note });
}
