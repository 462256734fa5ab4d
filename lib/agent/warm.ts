import { listMessages } from "@/lib/db/queries/messages";
import { findSession } from "@/lib/db/queries/sessions";
import { warmToolP95 } from "@/lib/learning/friction-monitor";
import { matchTriggers } from "@/lib/skills/suggest";
import { rollupWrites, telemetrySummaryForPrompt } from "@/lib/telemetry";
import { scanToolbox } from "./tools/registry";
import { pruneRequests } from "./turn/requests";
import { readTurnSettings } from "./turn/settings";

/** No session has this id (ids are cuids): the per-session reads below find nothing and change nothing. */
const NO_SESSION = "warm-up:no-session";

/**
 * What the first turn after a start would compute while its person waits, and every later turn
 * finds kept (docs/benchmarks.md §22): the prompt's telemetry summary (every stored day parsed,
 * today's calls read, 1M calls: ≈ 100-200 ms), the friction monitor's p95s, every skill file read
 * and parsed and its triggers compiled, every approved tool file read, hashed and its imports
 * scanned; node's fetch, loaded. All of it is kept process-wide (lib/process-state.ts), so doing it here leaves the
 * first turn what a warm one does; the per-session reads run once for a session that does not
 * exist, which also runs their query shapes through Prisma's query compiler once. The stored model
 * requests past their retention are pruned here too, which the first turn of every hour does.
 *
 * The same reads a turn makes, and that prune: no turn, no session, no event, no command, no model
 * request. Nothing kept here is trusted more than a turn's own read would be: each cache checks
 * what it holds as it does for a turn (file identity, age). lib/agent/warm.test.ts holds that the
 * first turn after it sends no statement a warm turn does not, and parses and compiles nothing.
 */
export async function warmTurnStart(): Promise<void> {
  pruneRequests();
  const [toolbox] = await Promise.all([
    scanToolbox(NO_SESSION),
    telemetrySummaryForPrompt(),
    warmToolP95(),
    readTurnSettings(),
    findSession(NO_SESSION),
    listMessages(NO_SESSION),
    // node loads its fetch (undici) on the first call, which was the first model request's to pay
    // (≈ 25 ms here); a data: URL needs no network and opens no connection
    fetch("data:,").then((response) => response.arrayBuffer()),
  ]);
  // Every trigger's RegExp (kept by lib/skills/suggest.ts), run twice: V8 compiles a RegExp to
  // bytecode on its first run and to machine code on its second, ≈ 0.4 ms a trigger each time, which
  // the first turn would pay. Pure: what matches is dropped.
  for (let run = 0; run < 2; run++) matchTriggers("warm-up", toolbox.skills);
  // the summary stores today's kept part without waiting for it; stored before serving, the write
  // is not left to land inside the first turn
  await rollupWrites();
}
