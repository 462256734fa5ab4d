/**
 * Soak (row 20 of docs/security.md): a scripted agent runs turns continuously against the built app
 * for a given time, while the server's resident memory, open file descriptors, threads and process
 * tree are sampled. Flat lines are the goal: no growth in memory, descriptors or processes.
 *
 *   node_modules/.bin/tsx bench/soak.ts [--minutes 60] [--sessions 2] [--sample-seconds 10]
 *
 * Not part of CI. Needs the production build (.next). Writes bench/results/soak.json.
 * The app runs on a free loopback port with a private data dir, tools and skills folders; the
 * scripted model (e2e/support/fake-llm.ts) answers on another. Each session loops through a mix of
 * turns: commands with output, a 200 KB output, a command killed at its timeout, a background job
 * killed with its command, an agent-written tool, a skill load, a model 500 that is retried, and a
 * stream that hangs until the turn is cancelled. Every 25 turns a session is ended and a new one
 * started. Memory is judged after a warm-up (the first 20% of the run, at least 2 minutes).
 *
 * `--heap-snapshots 5,15,25` tells JS heap from native memory: the server starts with its inspector
 * armed (`--inspect-port`, opened with SIGUSR1 after boot), every sample also records
 * process.memoryUsage() (heapUsed, external, arrayBuffers), and at each listed minute a heap snapshot
 * is written to `--heap-dir` (default: a fresh folder under the OS temp dir, never the repository)
 * together with the heap after that snapshot's full GC and the sizes of the server's process-wide
 * state (lib/process-state.ts). Open the snapshots in Chrome DevTools (Memory → Load, Comparison view).
 * `--gc-minutes 2` (alone or with snapshots) forces a full GC every 2 minutes instead and records the
 * live heap right after it: cheap, and it leaves the native heap alone (a snapshot's own allocations
 * stay in the server's malloc arenas and inflate its RSS for the rest of the run). Both pause the
 * sessions between turns while they run. The checkpoints go into the result as `heapMiB.checkpoints`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type FakeLLM, startFakeLLM } from "../e2e/support/fake-llm";
import {
  type Api,
  apiClient,
  commandDescendants,
  fdCount,
  fdTargets,
  HANG_MID_STREAM,
  securityHandler,
  waitForIdle,
} from "../e2e/support/security";
import { type AppServer, startServer } from "../e2e/support/server";
import { freePort } from "./support/app";
import { Inspector, inspectableEnv, type MemoryMiB } from "./support/inspector";
import { deadline, ROOT, round, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "60" },
    sessions: { type: "string", default: "2" },
    "sample-seconds": { type: "string", default: "10" },
    "heap-snapshots": { type: "string", default: "" },
    "heap-dir": { type: "string", default: "" },
    "gc-minutes": { type: "string", default: "" },
  },
});
const MINUTES = Math.max(0.5, Number.parseFloat(values.minutes));
const SESSIONS = Math.max(1, Number.parseInt(values.sessions, 10));
const SAMPLE_MS = Math.max(1, Number.parseFloat(values["sample-seconds"])) * 1000;
const SNAPSHOT_MINUTES = values["heap-snapshots"]
  .split(",")
  .map((m) => Number.parseFloat(m))
  .filter((m) => Number.isFinite(m) && m >= 0)
  .sort((a, b) => a - b);
const GC_MINUTES = Number.parseFloat(values["gc-minutes"]) || 0;
const INSPECT = SNAPSHOT_MINUTES.length > 0 || GC_MINUTES > 0;
const TURNS_PER_SESSION = 25;
const TOOL = "soak_count_words";

interface Sample {
  /** Seconds since the start of the load. */
  t: number;
  rssMiB: number;
  fds: number;
  threads: number;
  /** Live processes under the server (commands, sandboxes, proxy bridges), not a sandbox kept ready. */
  processes: number;
  dbMiB: number;
  turns: number;
  /** process.memoryUsage() of the server in MiB (with --heap-snapshots or --gc-minutes only). */
  heap?: MemoryMiB;
}

interface Checkpoint {
  label: string;
  t: number;
  turns: number;
  file: string | null;
  seconds: number;
  before: MemoryMiB;
  afterGc: MemoryMiB;
  rssAfterGcMiB: number;
  registries: Record<string, unknown>;
}

let llm: FakeLLM | undefined;
let app: AppServer | undefined;
let inspector: Inspector | undefined;
let dataRoot = "";

async function cleanup(): Promise<void> {
  inspector?.close();
  await app?.stop().catch(() => {});
  await llm?.close().catch(() => {});
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
}

deadline((MINUTES + 10) * 60_000, "soak", cleanup);

function procStatus(pid: number, field: string): number {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? Number.NaN);
}

function sample(pid: number, started: number, turns: number, dataDir: string): Sample {
  const db = path.join(dataDir, "ratchet.db");
  const wal = `${db}-wal`;
  const dbBytes = (existsSync(db) ? statSync(db).size : 0) + (existsSync(wal) ? statSync(wal).size : 0);
  return {
    t: round((performance.now() - started) / 1000, 1),
    rssMiB: round(procStatus(pid, "VmRSS") / 1024, 1),
    fds: fdCount(pid),
    threads: procStatus(pid, "Threads"),
    processes: commandDescendants(pid).length,
    dbMiB: round(dbBytes / 2 ** 20, 2),
    turns,
  };
}

const TOOL_SOURCE = `export const description = "Counts the words in a text.";
export const schema = { type: "object", properties: { text: { type: "string" } }, required: ["text"], additionalProperties: false };
export const capabilities = { filesystem: "none" };
export const examples = [{ args: { text: "a b c" }, expect: { result: 3 } }];
export async function run({ text }) { return { ok: true, result: text.split(/\\s+/).filter(Boolean).length }; }
`;

const cmd = (command: string, timeoutMs?: number) =>
  `[[tool: run_command ${JSON.stringify({ command, ...(timeoutMs ? { timeout_ms: timeoutMs } : {}) })}]]`;

/** The turns each session cycles through; `cancel` turns are stopped by the client. */
const SCRIPT: Array<{ text: string; cancel?: boolean }> = [
  { text: `${cmd("for i in $(seq 1 200); do echo line $i; done")} [[slow: 10]] [[text: counted]]` },
  { text: cmd("head -c 150000 /dev/urandom | base64 -w 0 | head -c 200000; echo") },
  { text: cmd("sleep 30", 300) },
  { text: cmd("sleep 100 & echo started in the background") },
  { text: `[[tool: ${TOOL} {"text":"the quick brown fox jumps"}]]` },
  { text: '[[tool: load_skill {"name":"soak-skill"}]] [[text: loaded]]' },
  { text: "[[fail: 500x1]] hello after a server error" },
  { text: `${HANG_MID_STREAM} tell me a long story`, cancel: true },
  { text: `${cmd("ls -la; git status 2>&1 | head -3; echo done")} ${cmd("echo second")}` },
];

async function turn(api: Api, id: string, step: { text: string; cancel?: boolean }): Promise<string> {
  const sent = await api.post(`/api/sessions/${id}/messages`, { text: step.text });
  if (sent.status !== 202) throw new Error(`send: ${sent.status} ${sent.text}`);
  if (step.cancel) {
    await new Promise((resolve) => setTimeout(resolve, 800));
    await api.post(`/api/sessions/${id}/cancel`);
  }
  const session = await waitForIdle(api, id, 180_000);
  return String(session.status);
}

async function newSession(api: Api, n: number): Promise<string> {
  const res = await api.post<{ id: string }>("/api/sessions", { title: `soak ${n}` });
  if (res.status !== 201) throw new Error(`session: ${res.status} ${res.text}`);
  return res.json.id;
}

try {
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID")))
    throw new Error(
      "No production build: run `NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build` first.",
    );
  process.chdir(ROOT);
  dataRoot = mkdtempSync(path.join(os.tmpdir(), "ratchet-soak-"));
  const dirs = {
    data: path.join(dataRoot, "data"),
    workspace: path.join(dataRoot, "workspace"),
    tools: path.join(dataRoot, "tools"),
    skills: path.join(dataRoot, "skills"),
  };
  for (const dir of [dirs.workspace, dirs.tools, path.join(dirs.skills, "soak-skill")])
    mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dirs.skills, "soak-skill", "SKILL.md"),
    "---\nname: soak-skill\ndescription: A skill the soak loads.\n---\nDo the soak thing.\n",
  );
  llm = await startFakeLLM({ port: 0, handler: securityHandler(), record: false });
  const port = await freePort();
  app = await startServer({
    port,
    dataDir: dirs.data,
    env: {
      OPENAI_BASE_URL: llm.url,
      RATCHET_WORKSPACE: dirs.workspace,
      RATCHET_TOOLS_DIR: dirs.tools,
      RATCHET_SKILLS_DIR: dirs.skills,
      ...(INSPECT ? inspectableEnv() : {}),
    },
  });
  const pid = app.pid;
  const api = apiClient(app.url);
  const heapDir =
    SNAPSHOT_MINUTES.length === 0
      ? ""
      : values["heap-dir"] || mkdtempSync(path.join(os.tmpdir(), "ratchet-soak-heap-"));
  const heapNotes: Checkpoint[] = [];
  if (heapDir) mkdirSync(heapDir, { recursive: true });
  if (INSPECT) {
    inspector = await Inspector.attach(app);
    if (heapDir)
      console.log(`soak: heap snapshots at minutes ${SNAPSHOT_MINUTES.join(", ")} into ${heapDir}`);
    if (GC_MINUTES) console.log(`soak: a full GC every ${GC_MINUTES} minutes`);
  }

  // the agent writes a tool once, a person approves it
  const setup = await newSession(api, 0);
  const args = JSON.stringify({ name: TOOL, source: TOOL_SOURCE, reason: "soak" });
  await turn(api, setup, { text: `[[tool: propose_tool ${args}]]` });
  const detail = await api.get<{ versions: Array<{ sha256: string }> }>(`/api/tools/${TOOL}`);
  const approved = await api.post(`/api/tools/${TOOL}/approve`, { sha256: detail.json.versions[0]?.sha256 });
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${approved.text}`);

  const idleBefore = sample(pid, performance.now(), 0, dirs.data);
  if (inspector) idleBefore.heap = await inspector.memory();
  const started = performance.now();
  const until = started + MINUTES * 60_000;
  const samples: Sample[] = [];
  let turns = 0;
  const outcomes: Record<string, number> = {};
  const failures: string[] = [];
  const pendingSnapshots = [...SNAPSHOT_MINUTES];
  let nextGc = GC_MINUTES;
  let snapshotting = false;
  // A snapshot stops the server for many seconds: the sessions finish their turns and wait at this
  // gate meanwhile, so no request times out and every checkpoint sees the server between turns.
  let gate: Promise<void> | null = null;
  let parked = 0;
  let looping = SESSIONS;
  const checkpoint = async (label: string, t: number, snapshot: boolean) => {
    if (!inspector) return;
    snapshotting = true;
    let release = () => {};
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const waitUntil = performance.now() + 240_000;
      while (parked < looping && performance.now() < waitUntil)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const before = await inspector.memory();
      const file = snapshot ? path.join(heapDir, `soak-${label}.heapsnapshot`) : null;
      const t0 = performance.now();
      if (file) await inspector.snapshot(file);
      else await inspector.collectGarbage();
      const note: Checkpoint = {
        label,
        t,
        turns,
        file,
        seconds: round((performance.now() - t0) / 1000, 1),
        before,
        afterGc: await inspector.memory(),
        rssAfterGcMiB: round(procStatus(pid, "VmRSS") / 1024, 1),
        registries: await inspector.registries(),
      };
      heapNotes.push(note);
      if (heapDir) writeFileSync(path.join(heapDir, "notes.json"), JSON.stringify(heapNotes, null, 2));
      console.log(`soak: checkpoint ${JSON.stringify(note)}`);
    } catch (error) {
      failures.push(`snapshot: ${String(error)}`);
    } finally {
      snapshotting = false;
      gate = null;
      release();
    }
  };
  const sampler = setInterval(async () => {
    try {
      const s = sample(pid, started, turns, dirs.data);
      if (inspector && !snapshotting) s.heap = await inspector.memory();
      samples.push(s);
      console.log(
        `soak: ${s.t.toFixed(0)}s turns=${s.turns} rss=${s.rssMiB}MiB fds=${s.fds} threads=${s.threads} procs=${s.processes} db=${s.dbMiB}MiB${s.heap ? ` heapUsed=${s.heap.heapUsed} external=${s.heap.external} arrayBuffers=${s.heap.arrayBuffers}` : ""}`,
      );
      if (!snapshotting && pendingSnapshots.length > 0 && s.t >= (pendingSnapshots[0] ?? 0) * 60) {
        const minute = pendingSnapshots.shift() ?? 0;
        void checkpoint(`${minute}min`, s.t, true);
      } else if (!snapshotting && GC_MINUTES > 0 && s.t >= nextGc * 60) {
        void checkpoint(`gc-${nextGc}min`, s.t, false);
        nextGc += GC_MINUTES;
      }
    } catch (error) {
      failures.push(`sample: ${String(error)}`);
    }
  }, SAMPLE_MS);

  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, worker) => {
      let n = 0;
      let id = await newSession(api, worker);
      while (performance.now() < until) {
        while (gate) {
          parked++;
          await gate;
          parked--;
        }
        const step = SCRIPT[n % SCRIPT.length] ?? { text: "hello" };
        try {
          const status = await turn(api, id, step);
          outcomes[status] = (outcomes[status] ?? 0) + 1;
        } catch (error) {
          failures.push(String(error));
        }
        turns++;
        n++;
        if (n % TURNS_PER_SESSION === 0) {
          await api.post(`/api/sessions/${id}/end`);
          id = await newSession(api, worker * 1000 + n);
        }
      }
      looping--;
    }),
  );
  clearInterval(sampler);
  // let the last commands, reflections and timers settle, then take the idle figures
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  const idleAfter = sample(pid, started, turns, dirs.data);
  if (inspector) {
    idleAfter.heap = await inspector.memory();
    await checkpoint("idle-after", idleAfter.t, heapDir !== "");
  }
  const leftover = commandDescendants(pid).map((p) => p.cmdline.slice(0, 160));

  const warmup = Math.max(120, (MINUTES * 60) / 5);
  const steady = samples.filter((s) => s.t >= warmup);
  const window = Math.max(1, Math.floor(steady.length / 10));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const head = steady.slice(0, window);
  const tail = steady.slice(-window);
  const afterWarmup = heapNotes.filter((n) => n.t >= warmup && n.label !== "idle-after");
  /** Least-squares slope of y over t, per hour. */
  const slopePerHour = (ys: number[], ts: number[]) => {
    const n = ys.length;
    if (n < 2) return Number.NaN;
    const mt = mean(ts);
    const my = mean(ys);
    const num = ts.reduce((sum, t, i) => sum + (t - mt) * ((ys[i] ?? 0) - my), 0);
    const den = ts.reduce((sum, t) => sum + (t - mt) ** 2, 0);
    return (num / den) * 3600;
  };
  const series = (key: Exclude<keyof Sample, "heap">) => steady.map((s) => s[key]);
  const ts = steady.map((s) => s.t);
  const summary = {
    minutes: MINUTES,
    sessionsInParallel: SESSIONS,
    turns,
    turnsPerMinute: round(turns / MINUTES, 1),
    outcomes,
    failures: failures.slice(0, 20),
    failureCount: failures.length,
    warmupSeconds: warmup,
    rssMiB: {
      idleBefore: idleBefore.rssMiB,
      idleAfter: idleAfter.rssMiB,
      steadyFirstTenth: round(mean(head.map((s) => s.rssMiB)), 1),
      steadyLastTenth: round(mean(tail.map((s) => s.rssMiB)), 1),
      min: Math.min(...series("rssMiB")),
      max: Math.max(...series("rssMiB")),
      slopePerHour: round(slopePerHour(series("rssMiB"), ts), 1),
    },
    fds: {
      idleBefore: idleBefore.fds,
      idleAfter: idleAfter.fds,
      steadyFirstTenth: round(mean(head.map((s) => s.fds)), 1),
      steadyLastTenth: round(mean(tail.map((s) => s.fds)), 1),
      min: Math.min(...series("fds")),
      max: Math.max(...series("fds")),
      slopePerHour: round(slopePerHour(series("fds"), ts), 1),
    },
    threads: {
      idleBefore: idleBefore.threads,
      idleAfter: idleAfter.threads,
      max: Math.max(...series("threads")),
    },
    processes: {
      idleBefore: idleBefore.processes,
      idleAfter: idleAfter.processes,
      max: Math.max(...series("processes")),
      leftoverAfter: leftover,
    },
    dbMiB: { before: idleBefore.dbMiB, after: idleAfter.dbMiB },
    ...(inspector
      ? {
          heapMiB: {
            idleBefore: idleBefore.heap,
            idleAfter: idleAfter.heap,
            steadyFirstTenth: round(mean(head.flatMap((s) => (s.heap ? [s.heap.heapUsed] : []))), 1),
            steadyLastTenth: round(mean(tail.flatMap((s) => (s.heap ? [s.heap.heapUsed] : []))), 1),
            heapUsedSlopePerHour: round(
              slopePerHour(
                steady.flatMap((s) => (s.heap ? [s.heap.heapUsed] : [])),
                steady.flatMap((s) => (s.heap ? [s.t] : [])),
              ),
              1,
            ),
            liveAfterGcSlopePerHour: round(
              slopePerHour(
                afterWarmup.map((n) => n.afterGc.heapUsed),
                afterWarmup.map((n) => n.t),
              ),
              1,
            ),
            checkpoints: heapNotes,
          },
        }
      : {}),
    fdTargetsAfter: fdTargets(pid)
      .map((t) => t.replace(/\d+/g, "N"))
      .reduce<Record<string, number>>((acc, t) => {
        acc[t] = (acc[t] ?? 0) + 1;
        return acc;
      }, {}),
  };
  const file = writeResult("soak", { summary, samples });
  console.log(JSON.stringify(summary, null, 2));
  console.log(`soak: wrote ${file}`);
  await cleanup();
  process.exit(failures.length > 0 ? 1 : 0);
} catch (error) {
  console.error("soak failed:", error);
  await cleanup();
  process.exit(1);
}
