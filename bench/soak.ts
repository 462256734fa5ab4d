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
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type FakeLLM, startFakeLLM } from "../e2e/support/fake-llm";
import {
  type Api,
  apiClient,
  descendants,
  fdCount,
  fdTargets,
  HANG_MID_STREAM,
  securityHandler,
  waitForIdle,
} from "../e2e/support/security";
import { type AppServer, startServer } from "../e2e/support/server";
import { freePort } from "./support/app";
import { deadline, ROOT, round, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "60" },
    sessions: { type: "string", default: "2" },
    "sample-seconds": { type: "string", default: "10" },
  },
});
const MINUTES = Math.max(0.5, Number.parseFloat(values.minutes));
const SESSIONS = Math.max(1, Number.parseInt(values.sessions, 10));
const SAMPLE_MS = Math.max(1, Number.parseFloat(values["sample-seconds"])) * 1000;
const TURNS_PER_SESSION = 25;
const TOOL = "soak_count_words";

interface Sample {
  /** Seconds since the start of the load. */
  t: number;
  rssMiB: number;
  fds: number;
  threads: number;
  /** Live processes under the server (commands, sandboxes, proxy bridges). */
  processes: number;
  dbMiB: number;
  turns: number;
}

let llm: FakeLLM | undefined;
let app: AppServer | undefined;
let dataRoot = "";

async function cleanup(): Promise<void> {
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
    processes: descendants(pid).length,
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
  llm = await startFakeLLM({ port: 0, handler: securityHandler() });
  const port = await freePort();
  app = await startServer({
    port,
    dataDir: dirs.data,
    env: {
      OPENAI_BASE_URL: llm.url,
      RATCHET_WORKSPACE: dirs.workspace,
      RATCHET_TOOLS_DIR: dirs.tools,
      RATCHET_SKILLS_DIR: dirs.skills,
    },
  });
  const pid = app.pid;
  const api = apiClient(app.url);

  // the agent writes a tool once, a person approves it
  const setup = await newSession(api, 0);
  const args = JSON.stringify({ name: TOOL, source: TOOL_SOURCE, reason: "soak" });
  await turn(api, setup, { text: `[[tool: propose_tool ${args}]]` });
  const detail = await api.get<{ versions: Array<{ sha256: string }> }>(`/api/tools/${TOOL}`);
  const approved = await api.post(`/api/tools/${TOOL}/approve`, { sha256: detail.json.versions[0]?.sha256 });
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${approved.text}`);

  const idleBefore = sample(pid, performance.now(), 0, dirs.data);
  const started = performance.now();
  const until = started + MINUTES * 60_000;
  const samples: Sample[] = [];
  let turns = 0;
  const outcomes: Record<string, number> = {};
  const failures: string[] = [];
  const sampler = setInterval(() => {
    try {
      const s = sample(pid, started, turns, dirs.data);
      samples.push(s);
      console.log(
        `soak: ${s.t.toFixed(0)}s turns=${s.turns} rss=${s.rssMiB}MiB fds=${s.fds} threads=${s.threads} procs=${s.processes} db=${s.dbMiB}MiB`,
      );
    } catch (error) {
      failures.push(`sample: ${String(error)}`);
    }
  }, SAMPLE_MS);

  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, worker) => {
      let n = 0;
      let id = await newSession(api, worker);
      while (performance.now() < until) {
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
    }),
  );
  clearInterval(sampler);
  // let the last commands, reflections and timers settle, then take the idle figures
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  const idleAfter = sample(pid, started, turns, dirs.data);
  const leftover = descendants(pid).map((p) => p.cmdline.slice(0, 160));

  const warmup = Math.max(120, (MINUTES * 60) / 5);
  const steady = samples.filter((s) => s.t >= warmup);
  const window = Math.max(1, Math.floor(steady.length / 10));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const head = steady.slice(0, window);
  const tail = steady.slice(-window);
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
  const series = (key: keyof Sample) => steady.map((s) => s[key]);
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
