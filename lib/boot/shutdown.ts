import { activeTurns, stopTurn } from "@/lib/agent/active-turns";
import { startReflection } from "@/lib/db/queries/reflections";
import { stopAllMcp } from "@/lib/mcp/sessions";
import { processState } from "@/lib/process-state";
import { shutdownSandbox } from "@/lib/sandbox";
import { flushTelemetry } from "@/lib/telemetry/recorder";

const GRACE_MS = 4000;

/**
 * Our own SIGTERM/SIGINT handling: running turns are stopped (their processes killed) and
 * marked interrupted, then the process exits, within 5 s. Libraries that install their own
 * SIGTERM hook (the sandbox runtime does) cannot keep the server alive.
 */
export function installShutdown(): void {
  signalHandlers();
}

/** Installed once per process: a second pair of handlers would run the shutdown twice. */
const signalHandlers = processState("boot.signalHandlers", () => {
  let exiting = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    const timer = setTimeout(() => process.exit(0), GRACE_MS + 500);
    timer.unref();
    const sessions = [...activeTurns().keys()];
    if (sessions.length) console.log(`[ratchet] ${signal}: stopping ${sessions.length} running turn(s)…`);
    await Promise.race([
      Promise.allSettled(
        sessions.map(async (id) => {
          // written now, reflected at the next boot: the model may not answer before we exit
          await startReflection(id, "shutdown").catch(() => {});
          await stopTurn(id, "shutdown");
        }),
      ),
      new Promise((resolve) => setTimeout(resolve, GRACE_MS)),
    ]);
    await Promise.race([stopAllMcp(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    await Promise.race([shutdownSandbox(), new Promise((resolve) => setTimeout(resolve, 300))]);
    await Promise.race([flushTelemetry(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return true;
});
