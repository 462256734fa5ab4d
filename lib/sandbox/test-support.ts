import { isGroupAlive } from "./reap";
import { prestartFor, type RunProcessOptions, type RunProcessResult, runProcess } from "./run-process";

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

export type StartMode = "fresh" | "prestarted";

/**
 * Runs `opts` in a sandbox started for it, or in one started before it was known
 * (lib/sandbox/prestart.ts), and fails unless it ran where it was meant to: containment tests run
 * their rows in both.
 */
export async function runStarted(mode: StartMode, opts: RunProcessOptions): Promise<RunProcessResult> {
  const request = { ...opts, prestart: mode === "prestarted" };
  if (mode === "prestarted") await prestartFor(request);
  const result = await runProcess(request);
  if (result.prestarted !== (mode === "prestarted"))
    throw new Error(`the command was meant to run in a ${mode} sandbox: ${JSON.stringify(result)}`);
  return result;
}
