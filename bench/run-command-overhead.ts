/**
 * run_command overhead without the sandbox (RATCHET_SANDBOX=off): wall time of `true` through the
 * real tool versus the bare floor. The sandboxed path is bench/sandbox-overhead.ts.
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
 *
 * Then, server-side throughput for 10 MB of output (the command bench/firehose.ts uses):
 *   pipe       bash -c '<command>' read to the end through a pipe                   — the floor
 *   runProcess runProcess with a no-op onOutput (masking, UTF-8 decoding, ANSI stripping, model cap)
 *   tool+log   runCommand.execute with ctx.emit = the real event log (appendEvent → SQLite), until
 *              the tool returned and every event is written (drainEvents)
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { deadline, machine, ms, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "300" },
    warmup: { type: "string", default: "30" },
    "throughput-runs": { type: "string", default: "5" },
  },
});
const N = Math.max(1, Number.parseInt(values.n, 10));
const WARMUP = Math.max(0, Number.parseInt(values.warmup, 10));
const THROUGHPUT_RUNS = Math.max(0, Number.parseInt(values["throughput-runs"], 10));
/** Same command as bench/firehose.ts: 10 MB of base64 in 120-character lines. */
const FIREHOSE = "head -c 7438017 /dev/urandom | base64 -w 120";
const GOAL_ADDED_MS = 5;

deadline(110_000, "run-command-overhead");

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
// lib/env and the Prisma client are lazy: the environment below is read on the first query.
const { db, dbReady } = dbModule;
const { forgetProcess, recordProcess } = await import("../lib/db/queries/processes");
const { createSession, startTurn } = await import("../lib/db/queries/sessions");
const { runCommand, RUN_COMMAND_DEFAULTS } = await import("../lib/agent/tools/run-command");
const { runProcess } = await import("../lib/sandbox");
const { appendEvent, drainEvents } = await import("../lib/events/log");
type ToolContext = import("../lib/tools/types").ToolContext;

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

await dbReady(); // WAL + synchronous=NORMAL, as the server's boot does
// The harness alone (RATCHET_SANDBOX=off); bench/sandbox-overhead.ts measures the sandboxed path.
await (await import("../lib/sandbox")).initSandbox({
  locations: {
    dataDir,
    appDir: ROOT,
    toolsDir: path.join(dataDir, "tools"),
    skillsDir: path.join(dataDir, "skills"),
  },
  network: { mode: "open" },
  disabled: true,
});
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

// Reference: the same bare spawn from a fresh, small Node process. fork() copies the parent's page
// tables, so spawn gets slower as the parent's resident memory grows (this process holds Prisma, zod…).
const SMALL_PROCESS_SCRIPT = `
const { spawn } = require("node:child_process");
(async () => {
  const t = [];
  for (let i = 0; i < ${N + WARMUP}; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => spawn("true").once("exit", resolve));
    if (i >= ${WARMUP}) t.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ samples: t, rssMiB: process.memoryUsage().rss / 2 ** 20 }));
})();`;
const small = JSON.parse(
  execFileSync(process.execPath, ["-e", SMALL_PROCESS_SCRIPT], { encoding: "utf8" }),
) as { samples: number[]; rssMiB: number };
const spawnFromSmallProcess = { ...summarize(small.samples), rssMiB: round(small.rssMiB, 1) };

// Throughput: 10 MB of output through the same layers (no browser, no SSE).
type ThroughputName = "pipe" | "runProcess" | "tool+log";
const throughputMs = new Map<ThroughputName, number[]>([
  ["pipe", []],
  ["runProcess", []],
  ["tool+log", []],
]);
let firehoseBytes = 0;
const throughputRuns: Record<ThroughputName, () => Promise<void>> = {
  pipe: () =>
    new Promise((resolve, reject) => {
      const child = spawn("bash", ["-c", FIREHOSE], { cwd: workspace, stdio: ["ignore", "pipe", "inherit"] });
      let bytes = 0;
      child.stdout.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      child.once("error", reject);
      child.once("close", () => {
        firehoseBytes = bytes;
        resolve();
      });
    }),
  runProcess: async () => {
    const result = await runProcess({
      command: FIREHOSE,
      cwd: workspace,
      timeoutMs: RUN_COMMAND_DEFAULTS.timeoutMs,
      modelCapBytes: RUN_COMMAND_DEFAULTS.modelCapBytes,
      streamCapBytes: RUN_COMMAND_DEFAULTS.streamCapBytes,
      secrets: [],
      onOutput: () => {},
    });
    if (result.status !== "exited") throw new Error(`runProcess: ${result.status}`);
  },
  "tool+log": async () => {
    const ctx = {
      ...context(),
      emit: (body: Parameters<ToolContext["emit"]>[0]) => appendEvent(session.id, body),
    };
    const outcome = await runCommand.execute({ command: FIREHOSE }, ctx);
    await drainEvents(session.id);
    if (outcome.state !== "completed") throw new Error(`tool: ${outcome.summary}`);
  },
};
for (let i = 0; i < THROUGHPUT_RUNS; i++) {
  for (const [name, run] of Object.entries(throughputRuns) as [ThroughputName, () => Promise<void>][]) {
    const t0 = performance.now();
    await run();
    throughputMs.get(name)?.push(performance.now() - t0);
  }
}
const throughput = Object.fromEntries(
  [...throughputMs].map(([name, values]) => {
    const s = summarize(values);
    return [name, { ms: s, MBpsAtP50: round(firehoseBytes / 1e6 / (s.p50 / 1000), 1) }];
  }),
);

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
  spawnFromSmallProcess,
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
  throughput: { command: FIREHOSE, bytes: firehoseBytes, runs: THROUGHPUT_RUNS, variants: throughput },
};

for (const v of variants) {
  const s = stats[v.name];
  if (s)
    console.log(
      `  ${v.name.padEnd(10)} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`,
    );
}
console.log(
  `  (spawn from a fresh ${spawnFromSmallProcess.rssMiB.toFixed(0)} MiB node process: p50 ${ms(spawnFromSmallProcess.p50)}; this process: ${result.benchProcessRssMiB.toFixed(0)} MiB)`,
);
console.log(
  `  db         trackProcess p50 ${ms(result.dbMs.trackProcess.p50)}, untrackProcess p50 ${ms(result.dbMs.untrackProcess.p50)}`,
);
console.log(
  `  added by the tool over bare spawn: ${ms(addedMs)} at p50 (goal ≤ ${GOAL_ADDED_MS} ms: ${result.goal.met ? "met" : "MISSED"})`,
);
console.log(
  `  breakdown p50: process chain +${ms(result.breakdownP50Ms.processChain)}, runProcess logic +${ms(result.breakdownP50Ms.runProcessLogic)}, tool + db +${ms(result.breakdownP50Ms.toolAndDb)}`,
);
for (const [name, t] of Object.entries(throughput)) {
  console.log(
    `  10 MB ${name.padEnd(10)} p50 ${(t.ms.p50 / 1000).toFixed(3)} s = ${t.MBpsAtP50} MB/s (max ${(t.ms.max / 1000).toFixed(3)} s)`,
  );
}
if (toolFailures > 0) console.log(`  WARNING: ${toolFailures} tool calls did not complete with exit 0`);
if (leftoverRows > 0)
  console.log(`  WARNING: ${leftoverRows} ProcessRecord rows left behind (track/untrack race)`);
console.log(`  -> ${writeResult("run-command-overhead", result)}`);

await db().$disconnect();
rmSync(dataDir, { recursive: true, force: true });
