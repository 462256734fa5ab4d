/**
 * Event fan-out latency between app instances on PostgreSQL: an event appended on instance A, until
 * a viewer's subscription on instance B has it (LISTEN/NOTIFY notice, read from the Event table,
 * published on B's bus; SSE framing on B adds microseconds).
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/fanout-latency.ts [--n 500]
 *
 * Uses the cluster in RATCHET_TEST_PG_URL or starts a private one (scripts/pg-cluster.mjs), creates
 * and migrates a fresh database, and runs two processes of bench/fanout-instance.ts (writer = A,
 * reader = B). Phases, after a discarded warm-up:
 *   steady  one event every 10 ms (a fast model's token rate: the writer's log batches nothing)
 *   bursts  50 events appended at once, then 100 ms pause (tool output: the log writes batches)
 * Reported per phase, from just before appendEvent on A: local (A's own viewers have it: written,
 * published, NOTIFY sent), remote (B's viewers have it), and hop = remote − local for the same event
 * (what the second instance adds). Goal: remote p95 ≤ 100 ms on localhost.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pg from "pg";
import { migrateDeploy } from "@/lib/db/migrate-deploy";
import { deadline, ROOT, round, type Summary, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({ options: { n: { type: "string", default: "500" } } });
const N = Math.max(50, Number.parseInt(values.n, 10));
const GOAL_P95_MS = 100;
const PHASES = [
  { name: "warmup", n: 50, gap: 10, burst: 1 },
  { name: "steady", n: N, gap: 10, burst: 1 },
  { name: "bursts", n: N, gap: 100, burst: 50 },
] as const;

const tsx = path.join(ROOT, "node_modules/.bin/tsx");
const children: ChildProcess[] = [];
let stopCluster = () => {};
let dropDatabase = async () => {};
const dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-fanout-"));

async function cleanup(): Promise<void> {
  for (const child of children) child.kill("SIGKILL");
  await dropDatabase().catch(() => {});
  stopCluster();
  rmSync(dataDir, { recursive: true, force: true });
}

deadline(115_000, "fanout-latency", cleanup);

type Message = Record<string, unknown>;

/** A child's JSON lines, awaited by key. */
function messages(child: ChildProcess): (key: string) => Promise<Message> {
  const seen: Message[] = [];
  const waiting: { key: string; resolve: (m: Message) => void }[] = [];
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  lines.on("line", (line) => {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      return;
    }
    const index = waiting.findIndex((w) => w.key in message);
    const [waiter] = index === -1 ? [] : waiting.splice(index, 1);
    if (waiter) waiter.resolve(message);
    else seen.push(message);
  });
  return (key) => {
    const index = seen.findIndex((m) => key in m);
    const [message] = index === -1 ? [] : seen.splice(index, 1);
    if (message) return Promise.resolve(message);
    return new Promise((resolve) => waiting.push({ key, resolve }));
  };
}

function instance(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; next: (key: string) => Promise<Message> } {
  const child = spawn(tsx, ["--conditions=react-server", "bench/fanout-instance.ts", ...args], {
    cwd: ROOT,
    env,
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  return { child, next: messages(child) };
}

async function cluster(): Promise<string> {
  if (process.env.RATCHET_TEST_PG_URL) return process.env.RATCHET_TEST_PG_URL;
  const child = spawn(process.execPath, ["scripts/pg-cluster.mjs"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  stopCluster = () => child.kill("SIGTERM");
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /DATABASE_URL=(\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`pg-cluster exited (${code}): ${out}`)));
  });
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const clusterUrl = await cluster();
console.log(`fanout-latency: PostgreSQL at ${clusterUrl}; migrating a fresh database…`);
const name = `ratchet_bench_${randomBytes(4).toString("hex")}`;
await admin(clusterUrl, `CREATE DATABASE "${name}"`);
dropDatabase = () => admin(clusterUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
const url = new URL(clusterUrl);
url.pathname = `/${name}`;
const env = { ...process.env, DATABASE_URL: url.toString(), RATCHET_DATA_DIR: dataDir };
await migrateDeploy(env);

const writer = instance(["writer"], env);
const { session } = (await writer.next("session")) as { session: string };
const results: Record<string, { local: Summary; remote: Summary; hop: Summary }> = {};
for (const phase of PHASES) {
  console.log(`fanout-latency: ${phase.name} (${phase.n} events)…`);
  const reader = instance(["reader", session, String(phase.n)], env);
  await reader.next("ready");
  writer.child.stdin?.write(`go ${phase.n} ${phase.gap} ${phase.burst}\n`);
  const [{ local }, { remote }] = (await Promise.all([writer.next("local"), reader.next("remote")])) as [
    { local: number[] },
    { remote: number[] },
  ];
  if (phase.name === "warmup") continue;
  const hop = remote.map((ms, i) => ms - (local[i] ?? Number.NaN)).filter(Number.isFinite);
  const r = { local: summarize(local), remote: summarize(remote), hop: summarize(hop) };
  results[phase.name] = r;
  console.log(
    `${phase.name.padEnd(7)} A's viewers p50 ${r.local.p50} / p95 ${r.local.p95} ms | B's viewers p50 ${r.remote.p50} / p95 ${r.remote.p95} / p99 ${r.remote.p99} / max ${r.remote.max} ms | hop A→B p50 ${r.hop.p50} / p95 ${r.hop.p95} ms (n = ${r.remote.n})`,
  );
}

const worstP95 = Math.max(...Object.values(results).map((r) => r.remote.p95));
const file = writeResult("fanout-latency", {
  method:
    "two processes on one PostgreSQL database (private cluster, localhost); the writer appends notice events through lib/events/log.ts, the reader subscribes to the session and listens through lib/events/fanout.ts; latency = reader's publish time − writer's time before appendEvent (both performance.timeOrigin + performance.now())",
  phases: PHASES.filter((p) => p.name !== "warmup"),
  results,
  goal: { p95Ms: GOAL_P95_MS, worstRemoteP95Ms: round(worstP95), met: worstP95 <= GOAL_P95_MS },
});
console.log(
  `fan-out p95 ${round(worstP95)} ms (goal ≤ ${GOAL_P95_MS} ms: ${worstP95 <= GOAL_P95_MS ? "met" : "missed"}) → ${file}`,
);
await cleanup();
process.exit(0);
