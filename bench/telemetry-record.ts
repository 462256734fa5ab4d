/**
 * What recording one tool call adds to the turn. In lib/agent/tool-set.ts a finished call is
 * recorded (fire-and-forget), then the turn awaits the `tool-result` event (appendEvent: the event
 * log's SQLite write). Each round here does exactly that, with one of three recorders:
 *   none      no telemetry row (the baseline)
 *   direct    lib/db/queries/tool-calls.ts recordToolCall: one Prisma create per call
 *   batched   lib/telemetry/recorder.ts recordToolCall: queued, one multi-row INSERT per batch
 * and reports, per variant, the round's duration (record + awaited event) and the event-loop CPU per
 * call including the writes that finish later (the batched flushes). Goal: ≤ 1 ms added at the median.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/telemetry-record.ts [--n 2000] [--warmup 200]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deadline, ROOT, round, summarize, writeResult } from "./support/stats";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(argv[i + 1] ?? fallback);
};
const N = opt("n", 2000);
const WARMUP = opt("warmup", 200);
const GOAL_MS = 1;

process.chdir(ROOT);
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-record-"));
deadline(110_000, "telemetry-record", async () => rmSync(dataDir, { recursive: true, force: true }));
process.env.RATCHET_DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${path.join(dataDir, "ratchet.db")}`;
execFileSync(process.execPath, ["scripts/migrate.mjs"], { env: process.env, stdio: "pipe" });

const { db, dbReady } = await import("../lib/db/client");
const { createSession } = await import("../lib/db/queries/sessions");
const direct = await import("../lib/db/queries/tool-calls");
const batched = await import("../lib/telemetry/recorder");
const { commandKeyOf } = await import("../lib/telemetry/normalize-command");
const { appendEvent } = await import("../lib/events/log");
await dbReady();

const session = await createSession({ title: "bench", workspace: dataDir, budgetUsd: null, model: "m" });
const turn = await db().turn.create({ data: { sessionId: session.id } });

type Variant = "none" | "direct" | "batched";
const VARIANTS: Variant[] = ["none", "direct", "batched"];
const rounds: Record<Variant, number[]> = { none: [], direct: [], batched: [] };
const sync: Record<Variant, number[]> = { none: [], direct: [], batched: [] };
const cpu: Record<Variant, number> = { none: 0, direct: 0, batched: 0 };

function record(variant: Variant, i: number): void {
  if (variant === "none") return;
  const row = {
    sessionId: session.id,
    turnId: turn.id,
    callId: `call_${variant}_${i}`,
    tool: "run_command",
    toolVersion: "builtin",
    inputSummary: `npm test -- src/file${i % 50}.test.ts`,
    ok: true,
    exitCode: i % 7 === 0 ? 1 : 0,
    errorClass: i % 7 === 0 ? "command_failed" : null,
    durationMs: 100 + (i % 900),
    outputBytes: 2048,
  };
  const written =
    variant === "direct"
      ? direct.recordToolCall({ ...row, commandKey: commandKeyOf(row) })
      : batched.recordToolCall(row);
  void Promise.resolve(written).catch((error: unknown) => console.error(error));
}

async function oneRound(variant: Variant, i: number, measure: boolean): Promise<void> {
  const started = performance.now();
  record(variant, i);
  const recorded = performance.now();
  await appendEvent(session.id, {
    type: "tool-result",
    callId: `call_${variant}_${i}`,
    tool: "run_command",
    state: "completed",
    ok: true,
    exitCode: 0,
    durationMs: 100,
    summary: "exit 0",
  });
  if (!measure) return;
  rounds[variant].push(performance.now() - started);
  sync[variant].push(recorded - started);
}

// interleaved, so drift and the machine's other load hit every variant alike
for (let i = 0; i < WARMUP; i++) for (const v of VARIANTS) await oneRound(v, i, false);
await batched.flushTelemetry();
for (let i = 0; i < N; i++) {
  for (const v of VARIANTS) {
    const before = process.cpuUsage();
    await oneRound(v, WARMUP + i, true);
    // the direct create finishes on its own; the batched one with its batch: count both in
    if (v === "batched" && (i + 1) % 200 === 0) await batched.flushTelemetry();
    const used = process.cpuUsage(before);
    cpu[v] += (used.user + used.system) / 1000;
  }
}
const flushStart = process.cpuUsage();
await batched.flushTelemetry();
const flushUsed = process.cpuUsage(flushStart);
cpu.batched += (flushUsed.user + flushUsed.system) / 1000;
// let the last direct creates land
await new Promise((resolve) => setTimeout(resolve, 200));

const written = {
  direct: await db().toolCall.count({ where: { callId: { startsWith: "call_direct_" } } }),
  batched: await db().toolCall.count({ where: { callId: { startsWith: "call_batched_" } } }),
};
const summary = Object.fromEntries(
  VARIANTS.map((v) => [
    v,
    {
      round: summarize(rounds[v]),
      recordCall: summarize(sync[v]),
      cpuPerCallMs: round(cpu[v] / N, 4),
    },
  ]),
) as Record<
  Variant,
  { round: ReturnType<typeof summarize>; recordCall: ReturnType<typeof summarize>; cpuPerCallMs: number }
>;
const added = {
  direct: {
    p50: round(summary.direct.round.p50 - summary.none.round.p50, 3),
    cpu: round(summary.direct.cpuPerCallMs - summary.none.cpuPerCallMs, 4),
  },
  batched: {
    p50: round(summary.batched.round.p50 - summary.none.round.p50, 3),
    cpu: round(summary.batched.cpuPerCallMs - summary.none.cpuPerCallMs, 4),
  },
};
const result = {
  n: N,
  warmup: WARMUP,
  variants: summary,
  addedMs: added,
  rowsWritten: written,
  goal: { addedMs: GOAL_MS, met: added.batched.p50 <= GOAL_MS && added.batched.cpu <= GOAL_MS },
};
console.log(
  `record one call: batched +${added.batched.p50} ms p50 to the round (+${added.batched.cpu} ms event-loop CPU per call, record() itself p50 ${summary.batched.recordCall.p50} ms); direct Prisma create +${added.direct.p50} ms p50 (+${added.direct.cpu} ms CPU); baseline round p50 ${summary.none.round.p50} ms; rows written ${written.batched}/${N + WARMUP} batched, ${written.direct}/${N + WARMUP} direct`,
);
console.log(`wrote ${writeResult("telemetry-record", result)}`);
await db().$disconnect();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
