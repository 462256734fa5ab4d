/**
 * Under `npm start` (scripts/start.mjs) Next loads while the start script checks the configuration
 * and brings the database up to date: each takes a few hundred milliseconds or more, so a restart
 * costs the longer of the two instead of both. The start script spawns this server with an IPC
 * channel and RATCHET_START_GATE=ipc; the boot touches nothing (the database least of all) before
 * the script says "ready". If the script finds a problem it stops this process; if the script
 * itself dies, the channel closes and this process exits rather than serve an unchecked database.
 */
export const START_GATE_VAR = "RATCHET_START_GATE";
export const START_READY_MESSAGE = "ratchet:ready";

export async function waitForStartScript(): Promise<void> {
  if (process.env[START_GATE_VAR] !== "ipc" || typeof process.send !== "function") return;
  delete process.env[START_GATE_VAR];
  await new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if (message !== START_READY_MESSAGE) return;
      process.off("message", onMessage);
      process.off("disconnect", onGone);
      resolve();
    };
    const onGone = () => {
      console.error("[ratchet] the start script ended before the database was ready; stopping");
      process.exit(1);
    };
    process.on("message", onMessage);
    process.once("disconnect", onGone);
  });
  // nothing else comes over it; an open channel would also keep the start script waiting
  process.disconnect?.();
}
