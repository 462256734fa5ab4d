/**
 * A command's output flood on the server's own path, in one process, without Next or HTTP:
 * `runProcess` (unsandboxed) → the event log (`appendEvent`, the real SQLite writes) → the live event
 * stream (`sessionEventStream`) read by `--viewers` readers. What `bench/firehose-memory.ts` measures
 * through a production server, here in seconds and with the GC's own account of it, so each stage's
 * share of the garbage can be tried in isolation.
 *
 *   node --expose-gc --conditions=react-server --import tsx bench/flood-path.ts [--command yes] [--rounds 3] [--viewers 1] [--profile | --allocated] [--depth 0]
 *
 * Per round: the RSS before (after a full GC), its peak during the flood (VmHWM, reset before),
 * the scavenges and mark-compacts the flood caused and the old space's growth across it (what a
 * scavenge promoted: the part that raises RSS), the bytes every viewer read, and the time.
 * `--profile`: where what the flood promoted was allocated; `--allocated`: where everything it
 * allocated was, scavenged or not (by the innermost `--depth` frames when given).
 * Not part of CI. Writes bench/results/flood-path.json.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import { ALLOCATED_SAMPLING, PROMOTED_SAMPLING, printPromoted } from "./support/heap-profile";
import { round, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    command: { type: "string", default: "yes" },
    rounds: { type: "string", default: "3" },
    viewers: { type: "string", default: "1" },
    profile: { type: "boolean", default: false },
    allocated: { type: "boolean", default: false },
    depth: { type: "string", default: "0" },
  },
});
const ROUNDS = Math.max(1, Number.parseInt(values.rounds, 10));
const VIEWERS = Math.max(0, Number.parseInt(values.viewers, 10));
const STREAM_CAP = 16 * 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc --conditions=react-server --import tsx");

const dataDir = await import("node:fs").then((fs) =>
  fs.mkdtempSync(path.join(os.tmpdir(), "ratchet-flood-path-")),
);
process.env.DATABASE_URL = `file:${path.join(dataDir, "ratchet.db")}`;
process.env.RATCHET_DATA_DIR = dataDir;
const { migrateDeploy } = await import("../lib/db/migrate-deploy");
await migrateDeploy({ ...process.env });
const { createSession } = await import("../lib/db/queries/sessions");
const { appendEvent, drainEvents } = await import("../lib/events/log");
const { sessionEventStream } = await import("../lib/events/sse");
const { runProcess } = await import("../lib/sandbox/run-process");

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

function statusKiB(field: "VmRSS" | "VmHWM"): number {
  const text = readFileSync("/proc/self/status", "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
}

function oldSpaceUsed(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_name === "old_space" || s.space_name === "large_object_space")
    .reduce((sum, s) => sum + s.space_used_size, 0);
}

/** Reads a session's stream until `stop` resolves; counts the bytes. */
async function read(sessionId: string, stop: Promise<void>): Promise<number> {
  const abort = new AbortController();
  const reader = sessionEventStream(sessionId, 0, abort.signal).getReader();
  let bytes = 0;
  let done = false;
  void stop.then(() => {
    done = true;
  });
  while (!done) {
    const next = await Promise.race([reader.read(), stop.then(() => null)]);
    if (!next || next.done) break;
    bytes += next.value.byteLength;
  }
  // what was still queued for the viewer
  for (;;) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((resolve) => setImmediate(() => resolve(null))),
    ]);
    if (!next || next.done) break;
    bytes += next.value.byteLength;
  }
  abort.abort();
  return bytes;
}

interface Round {
  beforeMiB: number;
  peakMiB: number;
  costMiB: number;
  oldSpaceGrowthMiB: number;
  scavenges: number;
  markCompacts: number;
  gcPauseMs: number;
  outputMiB: number;
  streamedMiB: number[];
  ms: number;
  status: string;
}

async function once(n: number): Promise<Round> {
  const session = await createSession({
    title: `flood ${n}`,
    workspace: dataDir,
    budgetUsd: null,
    model: "m",
  });
  let stopViewers: () => void = () => {};
  const stop = new Promise<void>((resolve) => {
    stopViewers = resolve;
  });
  const viewers = Array.from({ length: VIEWERS }, () => read(session.id, stop));
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc?.();
  const before = statusKiB("VmRSS");
  const oldBefore = oldSpaceUsed();
  writeFileSync("/proc/self/clear_refs", "5");
  const counts = { scavenges: 0, markCompacts: 0, pause: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // node:perf_hooks' gc entries carry the kind in `detail` (1: a scavenge)
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === 1) counts.scavenges++;
      else counts.markCompacts++;
      counts.pause += entry.duration;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const profiler = (values.profile || values.allocated) && n > 0 ? new Session() : null;
  if (profiler) {
    profiler.connect();
    const sampling = values.allocated ? ALLOCATED_SAMPLING : PROMOTED_SAMPLING;
    await profiler.post("HeapProfiler.startSampling", sampling);
  }
  const started = performance.now();
  const result = await runProcess({
    command: values.command,
    cwd: dataDir,
    timeoutMs: 120_000,
    modelCapBytes: 1024 * 1024,
    streamCapBytes: STREAM_CAP,
    onOutput: (chunk) => appendEvent(session.id, { type: "tool-output", callId: "c1", chunk }),
  });
  await drainEvents(session.id);
  const ms = performance.now() - started;
  const oldAfter = oldSpaceUsed();
  if (profiler) {
    const { profile } = await profiler.post("HeapProfiler.stopSampling");
    const what = values.allocated ? "allocated" : "promoted";
    printPromoted(profile, 30, Number.parseInt(values.depth, 10), what);
    profiler.disconnect();
  }
  stopViewers();
  const streamed = await Promise.all(viewers);
  observer.disconnect();
  const peak = statusKiB("VmHWM");
  const out: Round = {
    beforeMiB: round(before / 1024, 1),
    peakMiB: round(peak / 1024, 1),
    costMiB: round((peak - before) / 1024, 1),
    oldSpaceGrowthMiB: mib(oldAfter - oldBefore),
    scavenges: counts.scavenges,
    markCompacts: counts.markCompacts,
    gcPauseMs: Math.round(counts.pause),
    outputMiB: mib(result.outputBytes),
    streamedMiB: streamed.map(mib),
    ms: Math.round(ms),
    status: result.status,
  };
  console.log(
    `flood-path #${n}: ${values.command}: before ${out.beforeMiB} MiB, peak +${out.costMiB} MiB, old space +${out.oldSpaceGrowthMiB} MiB, ${out.scavenges} scavenges, ${out.markCompacts} mark-compacts (${out.gcPauseMs} ms), ${out.outputMiB} MiB out, viewers read ${out.streamedMiB.join(", ")} MiB, ${out.ms} ms, ${out.status}`,
  );
  return out;
}

try {
  const rounds: Round[] = [];
  // one small command first: modules, the database and the JIT warm
  await once(0);
  for (let n = 1; n <= ROUNDS; n++) rounds.push(await once(n));
  const file = writeResult("flood-path", {
    options: { ...values, rounds: ROUNDS, viewers: VIEWERS },
    rounds,
  });
  console.log(`flood-path: wrote ${file}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
