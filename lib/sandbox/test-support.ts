import { isGroupAlive } from "./reap";

const POLL_MS = 20;

/**
 * Polls until no live process is left in the group. `kill(-pgid, 0)` throwing ESRCH is the
 * final proof, but orphaned zombies keep it succeeding until PID 1 reaps them, so a group of
 * zombies only also counts as gone.
 */
export async function waitForGroupGone(pgid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!(await isGroupAlive(pgid))) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return false;
}
