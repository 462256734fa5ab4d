import { failRunningToolParts } from "@/lib/db/queries/messages";
import { startReflection } from "@/lib/db/queries/reflections";
import { clearLease, interruptRunningTurns, setSessionStatus } from "@/lib/db/queries/sessions";
import { appendEvent } from "@/lib/events/log";

/**
 * Closes a turn that nobody runs any more: the turn and its unfinished tool calls become
 * interrupted, the session says why, and its reflection is recorded as owed. The caller queues it.
 */
export async function interruptSession(id: string, note: string): Promise<void> {
  await clearLease(id);
  await interruptRunningTurns(id);
  await failRunningToolParts(id, "Interrupted: the server stopped during this call.");
  await setSessionStatus(id, "interrupted", note);
  await startReflection(id, "interrupted");
  await appendEvent(id, { type: "turn-end", turnId: "", status: "interrupted", error: note });
  await appendEvent(id, { type: "status", status: "interrupted", note });
}
