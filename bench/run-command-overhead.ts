/**
 * run_command overhead: wall time of `true` through the real tool versus the bare floor.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/run-command-overhead.ts [--n 300] [--warmup 30]
 *
 * (`--conditions=react-server` makes `import "server-only"` in lib/db/client.ts resolve to its
 * empty module, as it does inside Next's server bundle.)
 *
 * Variants, interleaved round-robin so drift hits them equally:
 *   spawn      child_process.spawn("true") until "exit"                     — the floor
 *   chain      the exact process chain runProcess starts (setpriv → bash -c), detached, piped,
 *              until exit + both pipes closed                                — the floor for this design
 *   runProcess lib/sandbox runProcess({command: "true"}) with run_command's options
 *   tool       runCommand.execute({command: "true"}, ctx) with a real ToolContext whose
 *              trackProcess/untrackProcess write ProcessRecord rows to a migrated SQLite database
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { deadline, machine, ms, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: { n: { type: "string", default: "300" }, warmup: { type: "string", default: "30" } },
});
const N = Math.max(1, Number.parseInt(values.n, 10));
const WARMUP = Math.max(0, Number.parseInt(values.warmup, 10));
const GOAL_ADDED_MS = 5;

deadline(110_000, "run-command-overhead");

// A private, migrated database and workspace; lib/env reads these lazily on first use.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-cmd-"));
const workspace = path.join(dataDir, "workspace");
mkdirSync(workspace);
process.env.RATCHET_DATA_DIR = dataDir;
process.env.RATCHET_WORKSPACE = workspace;
delete process.env.DATABASE_URL;
execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], {
  cwd: ROOT,
  env: process.env,
  stdio: "pipe",
});

let dbModule: typeof import("../lib/db/client");
try {
  dbModule = await import("../lib/db/client");
} catch (error) {
  console.error(
    "Could not import lib/db/client (run with `tsx --conditions=react-server` so that 'server-only' resolves):",
    (error as Error).message,
  );
  process.exit(2);
}
const { db, dbReady } = dbModule;
const { forgetProcess, recordProcess } = await import("../lib/db/queries/processes");
const { createSession, startTurn } = await import("../lib/db/queries/sessions");
const { runCommand, RUN_COMMAND_DEFAULTS } = await import("../lib/agent/tools/run-command");
const { runProcess } = await import("../lib/sandbox");
type ToolContext = import("../lib/agent/tools/types").ToolContext;

await dbReady(); // WAL + synchronous=NORMAL, as the server's boot does
const session = await createSession({ title: "bench", workspace, budgetUsd: null, model: "bench" });
const turn = await startTurn(session.id);

const dbTimes = { track: [] as number[], untrack: [] as number[] };
let toolFailures = 0;
let callSeq = 0;

function context(): ToolContext {
  return {
    sessionId: session.id,
    turnId: turn.id,
    callId: `call_${++callSeq}`,
    workspace,
    signal: new AbortController().signal,
    secrets: [],
    // `true` prints nothing; emit is never called.
    emit: async () => {},
    trackProcess: async (info) => {
      const t0 = performance.now();
      await recordProcess({ pgid: info.pgid, marker: info.marker, sessionId: session.id, turnId: turn.id });
      dbTimes.track.push(performance.now() - t0);
    },
    untrackProcess: async (marker) => {
      const t0 = performance.now();
      await forgetProcess(marker);
      dbTimes.untrack.push(performance.now() - t0);
    },
    reload: async () => "",
  };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
}

function closed(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", () => resolve());
  });
}

const SETPRIV = "/usr/bin/setpriv";
const chainCommand: [string, string[]] = existsSync(SETPRIV)
  ? [SETPRIV, ["--pdeathsig", "KILL", "--", "bash", "-c", "exec 2>&1\ntrue"]]
  : ["bash", ["-c", "exec 2>&1\ntrue"]];

type Variant = { name: "spawn" | "chain" | "runProcess" | "tool"; run: () => Promise<void> };

const variants: Variant[] = [
  { name: "spawn", run: () => exited(spawn("true")) },
  {
    name: "chain",
    run: () =>
      closed(
        spawn(chainCommand[0], chainCommand[1], {
          cwd: workspace,
          detached: true,
          stdio: ["ignore", "pipe", "pipe"],
        }),
      ),
  },
  {
    name: "runProcess",
    run: async () => {
      const result = await runProcess({
        command: "true",
        cwd: workspace,
        timeoutMs: RUN_COMMAND_DEFAULTS.timeoutMs,
        modelCapBytes: RUN_COMMAND_DEFAULTS.modelCapBytes,
        streamCapBytes: RUN_COMMAND_DEFAULTS.streamCapBytes,
        signal: new AbortController().signal,
        secrets: [],
        onOutput: () => {},
        onSpawn: () => {},
      });
      if (result.status !== "exited" || result.exitCode !== 0)
        throw new Error(`runProcess: ${result.status}`);
    },
  },
  {
    name: "tool",
    run: async () => {
      const outcome = await runCommand.execute({ command: "true" }, context());
      if (outcome.state !== "completed" || outcome.exitCode !== 0) toolFailures++;
    },
  },
];

const samples = new Map<Variant["name"], number[]>(variants.map((v) => [v.name, []]));

async function round_(record: boolean, offset: number): Promise<void> {
  for (let k = 0; k < variants.length; k++) {
    const variant = variants[(k + offset) % variants.length];
    if (!variant) continue;
    const t0 = performance.now();
    await variant.run();
    const took = performance.now() - t0;
    if (record) samples.get(variant.name)?.push(took);
  }
}

console.log(
  `run_command overhead: n=${N} per variant after ${WARMUP} warm-up rounds (${machine().node}, load ${machine().loadavg.join(" ")})`,
);
const started = performance.now();
for (let i = 0; i < WARMUP; i++) await round_(false, i);
dbTimes.track.length = 0;
dbTimes.untrack.length = 0;
for (let i = 0; i < N; i++) await round_(true, i);
const elapsedS = (performance.now() - started) / 1000;

// Give any fire-and-forget trackProcess writes a moment, then look for rows the tool left behind.
await new Promise((resolve) => setTimeout(resolve, 200));
const leftoverRows = await db().processRecord.count();

const stats = Object.fromEntries([...samples].map(([name, values]) => [name, summarize(values)]));
const p50 = (name: Variant["name"]) => stats[name]?.p50 ?? Number.NaN;
const addedMs = round(p50("tool") - p50("spawn"));
const result = {
  n: N,
  warmup: WARMUP,
  unit: "ms",
  command: "true",
  processChain: [chainCommand[0], ...chainCommand[1]].join(" ").replace("\n", "\\n"),
  variants: stats,
  dbMs: { trackProcess: summarize(dbTimes.track), untrackProcess: summarize(dbTimes.untrack) },
  addedOverSpawnMs: { p50: addedMs, p90: round((stats.tool?.p90 ?? 0) - (stats.spawn?.p90 ?? 0)) },
  breakdownP50Ms: {
    processChain: round(p50("chain") - p50("spawn")),
    runProcessLogic: round(p50("runProcess") - p50("chain")),
    toolAndDb: round(p50("tool") - p50("runProcess")),
  },
  goal: { addedOverSpawnMs: GOAL_ADDED_MS, met: addedMs <= GOAL_ADDED_MS },
  /** fork() cost grows with the parent's resident memory, so every variant runs in this one process. */
  benchProcessRssMiB: round(process.memoryUsage().rss / 2 ** 20, 1),
  toolFailures,
  leftoverProcessRecords: leftoverRows,
  elapsedS: round(elapsedS, 1),
};

for (const v of variants) {
  const s = stats[v.name];
  if (s)
    console.log(
      `  ${v.name.padEnd(10)} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`,
    );
}
console.log(
  `  db         trackProcess p50 ${ms(result.dbMs.trackProcess.p50)}, untrackProcess p50 ${ms(result.dbMs.untrackProcess.p50)}`,
);
console.log(
  `  added by the tool over bare spawn: ${ms(addedMs)} at p50 (goal ≤ ${GOAL_ADDED_MS} ms: ${result.goal.met ? "met" : "MISSED"})`,
);
console.log(
  `  breakdown p50: process chain +${ms(result.breakdownP50Ms.processChain)}, runProcess logic +${ms(result.breakdownP50Ms.runProcessLogic)}, tool + db +${ms(result.breakdownP50Ms.toolAndDb)}`,
);
if (toolFailures > 0) console.log(`  WARNING: ${toolFailures} tool calls did not complete with exit 0`);
if (leftoverRows > 0)
  console.log(`  WARNING: ${leftoverRows} ProcessRecord rows left behind (track/untrack race)`);
console.log(`  -> ${writeResult("run-command-overhead", result)}`);

await db().$disconnect();
rmSync(dataDir, { recursive: true, force: true });
