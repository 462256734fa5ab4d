/**
 * Firehose memory (row 12 of docs/security.md): what a command that prints until the 16 MiB stream
 * cap kills it costs the server in resident memory, on its way through the event log, the database,
 * the live event stream and the transcript.
 *
 *   node_modules/.bin/tsx bench/firehose-memory.ts [--rounds 3] [--viewers 1] [--stalled-viewers 0] [--kinds zeros,yes,base64] [--settle-seconds 10] [--gc] [--profile] [--allocated] [--poll-session]
 *
 * Needs the production build (.next). For each round and kind, starts the app on a free loopback
 * port with a private data dir and the scripted model (e2e/support/fake-llm.ts), warms it up with
 * one small command, then runs one turn whose model calls `run_command` once:
 *   zeros   `head -c 1G /dev/zero`         NUL bytes
 *   yes     `yes`                          "y\n", printable
 *   base64  `base64 -w 120 /dev/urandom`   printable lines
 *   random  `head -c 1G /dev/urandom`      binary (not in the default set)
 * with `--viewers` live event-stream readers on the session (a browser tab each) and `--stalled-viewers`
 * that connect and then stop reading (a frozen tab, a client on a dead network) until the run's
 * figures are taken. Reports the
 * server's RSS before the turn, its peak during it (VmHWM, reset through /proc/<pid>/clear_refs;
 * also the sampled peak of the whole process tree), right after, and after `--settle-seconds`.
 * `--gc` tells what the run left behind from what was garbage not yet collected: the server starts
 * with its inspector armed, and a full GC runs before the turn and after the settle time, each
 * followed by the RSS and the JS heap in use. `--profile` (implies `--gc`) prints where the objects that
 * the turn promoted to the old generation were allocated (the server's sampling heap profiler);
 * `--allocated` where everything the turn allocated was, collected by scavenges or not.
 * Not part of CI. Writes bench/results/firehose-memory.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createDirectiveHandler, type FakeLLM, startFakeLLM } from "../e2e/support/fake-llm";
import {
  type Api,
  apiClient,
  auth,
  createSession,
  descendants,
  serverPid,
  waitForIdle,
} from "../e2e/support/security";
import { type AppServer, startServer } from "../e2e/support/server";
import { freePort } from "./support/app";
import {
  ALLOCATED_SAMPLING,
  PROMOTED_SAMPLING,
  printPromoted,
  type SampleNode,
} from "./support/heap-profile";
import { Inspector, inspectableEnv } from "./support/inspector";
import { deadline, ROOT, round, writeResult } from "./support/stats";

const COMMANDS: Record<string, string> = {
  zeros: "head -c 1G /dev/zero",
  yes: "yes",
  base64: "base64 -w 120 /dev/urandom",
  random: "head -c 1G /dev/urandom",
};

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    viewers: { type: "string", default: "1" },
    "stalled-viewers": { type: "string", default: "0" },
    kinds: { type: "string", default: "zeros,yes,base64" },
    "settle-seconds": { type: "string", default: "10" },
    gc: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    allocated: { type: "boolean", default: false },
    "poll-session": { type: "boolean", default: false },
  },
});
const ROUNDS = Math.max(1, Number.parseInt(values.rounds, 10));
const VIEWERS = Math.max(0, Number.parseInt(values.viewers, 10));
const STALLED = Math.max(0, Number.parseInt(values["stalled-viewers"], 10));
const SETTLE_MS = Math.max(0, Number.parseFloat(values["settle-seconds"])) * 1000;
const KINDS = values.kinds.split(",").filter((k) => k in COMMANDS);
/** --profile: the server's sampling heap profiler runs through the turn (it needs the inspector too). */
const PROFILE = values.profile || values.allocated;
/** --allocated: the profile keeps what scavenges collected too (all the turn allocated on the JS heap). */
const SAMPLING = values.allocated ? ALLOCATED_SAMPLING : PROMOTED_SAMPLING;
const GC = values.gc || PROFILE;
/**
 * How the end of the turn is awaited: by default the session list's status (a few hundred bytes);
 * --poll-session polls the session itself, transcript and all, every 100 ms as the figures before
 * 2026-12-06 did: once the command is done, every poll reads, parses and serializes its 1 MiB of
 * output for the model again, garbage of the poll and not of the flood.
 */
const POLL_SESSION = values["poll-session"];
const SAMPLE_MS = 25;
const CAP_MESSAGE = "Killed: the command printed more than 16 MiB";

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

// each run: app start and warm-up, the turn (at most 120 s), the settle time
deadline(ROUNDS * KINDS.length * (SETTLE_MS + 180_000) + 60_000, "firehose-memory", cleanup);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (kib: number) => round(kib / 1024, 1);

function statusKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  } catch {
    return 0; // gone meanwhile
  }
}

/** The server and everything under it (commands, sandboxes, proxy bridges). */
function treeKiB(pid: number): number {
  return descendants(pid).reduce((sum, p) => sum + statusKiB(p.pid, "VmRSS"), statusKiB(pid, "VmRSS"));
}

/** Makes VmHWM start again from the current RSS. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

interface ViewerResult {
  bytes: number;
  toolOutputFrames: number;
  sawEnd: boolean;
}

/** A live event-stream reader that keeps only counts, until the turn ends or `timeoutMs` passes. */
function view(baseUrl: string, headers: Record<string, string>, id: string, timeoutMs: number) {
  return new Promise<ViewerResult>((resolve) => {
    const result: ViewerResult = { bytes: 0, toolOutputFrames: 0, sawEnd: false };
    let tail = "";
    const req = http.get(`${baseUrl}/api/sessions/${id}/events?after=0`, { headers }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        result.bytes += Buffer.byteLength(chunk);
        const text = tail + chunk;
        result.toolOutputFrames += text.split('"type":"tool-output"').length - 1;
        result.sawEnd ||= text.includes('"type":"turn-end"');
        tail = text.slice(-32);
        if (result.sawEnd) finish();
      });
      res.on("end", finish);
    });
    const timer = setTimeout(finish, timeoutMs);
    function finish() {
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    }
    req.on("error", finish);
  });
}

/** An event-stream reader that stops reading once the response starts; `close` hangs up. */
function stall(baseUrl: string, headers: Record<string, string>, id: string): { close: () => void } {
  const req = http.get(`${baseUrl}/api/sessions/${id}/events?after=0`, { headers }, (res) => res.pause());
  req.on("error", () => {});
  return { close: () => req.destroy() };
}

interface Run {
  kind: string;
  round: number;
  turnMs: number;
  beforeMiB: number;
  peakMiB: number;
  treePeakMiB: number;
  rightAfterMiB: number;
  settledMiB: number;
  /** Peak minus before. */
  costMiB: number;
  streamedMiB: number;
  toolOutputFrames: number;
  capped: boolean;
  /** With --gc: RSS and JS heap in use right after a full GC, before the turn and after the settle time. */
  gc?: {
    beforeRssMiB: number;
    beforeHeapMiB: number;
    afterRssMiB: number;
    afterHeapMiB: number;
    /** The JS heap's reserved size (pages V8 keeps) and memory outside it (Buffers, the drivers' objects). */
    beforeHeapTotalMiB: number;
    afterHeapTotalMiB: number;
    beforeExternalMiB: number;
    afterExternalMiB: number;
  };
}

/** Waits until the session list shows the session not running. */
async function waitForListedIdle(api: Api, id: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get<{ sessions?: { id: string; status: string }[] }>("/api/sessions");
    const listed = res.json.sessions?.find((s) => s.id === id);
    if (res.status === 200 && listed && listed.status !== "running") return;
    if (Date.now() > until) throw new Error(`session ${id} still running after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** RSS and JS heap in use right after a full GC. */
async function collected(): Promise<{ rss: number; heap: number; heapTotal: number; external: number }> {
  if (!inspector) throw new Error("--gc needs the server's inspector");
  await inspector.collectGarbage();
  const memory = await inspector.memory();
  return { rss: memory.rss, heap: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external };
}

/** The heap spaces whose reserved size changed by 1 MiB or more, as `name +n`. */
function grownSpaces(
  before: Record<string, number> | null | undefined,
  after: Record<string, number> | null | undefined,
): string {
  if (!before || !after) return "spaces unknown";
  const grown = Object.entries(after)
    .map(([name, mib]): [string, number] => [name, round(mib - (before[name] ?? 0), 1)])
    .filter(([, delta]) => Math.abs(delta) >= 1);
  return (
    grown.map(([name, delta]) => `${name} ${delta > 0 ? "+" : ""}${delta}`).join(", ") || "no space grew"
  );
}

async function runOnce(api: Api, pid: number, kind: string, n: number): Promise<Run> {
  const id = await createSession(api, `firehose ${kind} ${n}`);
  const viewers = Array.from({ length: VIEWERS }, () => view(app?.url ?? "", auth, id, 120_000));
  const stalled = Array.from({ length: STALLED }, () => stall(app?.url ?? "", auth, id));
  await sleep(300); // the readers are live before the turn starts
  llm?.reset();
  const gcBefore = GC ? await collected() : undefined;
  const spacesBefore = GC ? await inspector?.heapSpaces() : null;
  const before = statusKiB(pid, "VmRSS");
  resetPeak(pid);
  let treePeak = treeKiB(pid);
  const sampler = setInterval(() => {
    treePeak = Math.max(treePeak, treeKiB(pid));
  }, SAMPLE_MS);
  if (PROFILE) await inspector?.send("HeapProfiler.startSampling", SAMPLING);
  const started = performance.now();
  const sent = await api.post(`/api/sessions/${id}/messages`, { text: `[[cmd: ${COMMANDS[kind]}]]` });
  if (sent.status !== 202) throw new Error(`send: ${sent.status} ${sent.text}`);
  await (POLL_SESSION ? waitForIdle(api, id, 120_000) : waitForListedIdle(api, id, 120_000));
  const turnMs = performance.now() - started;
  const rightAfter = statusKiB(pid, "VmRSS");
  // where the memory is while the flood's garbage is still there: the JS heap's reserved pages
  // (the young generation grown under the flood) or outside it (buffers, the allocator's arenas)
  const atEnd = GC ? await inspector?.memory() : undefined;
  const spacesAtEnd = GC ? await inspector?.heapSpaces() : null;
  if (PROFILE && inspector) {
    const { profile } = await inspector.send<{ profile: { head: SampleNode } }>("HeapProfiler.stopSampling");
    const what = values.allocated ? "allocated" : "promoted";
    console.log(`firehose-memory: ${kind} #${n}: what the turn ${what}`);
    // a production build's frames are chunks, not app paths: the innermost frames say more
    printPromoted(profile, 25, 4, what);
  }
  const seen = await Promise.all(viewers);
  await sleep(SETTLE_MS);
  clearInterval(sampler);
  const peak = statusKiB(pid, "VmHWM");
  const settled = statusKiB(pid, "VmRSS");
  const gcAfter = GC ? await collected() : undefined;
  for (const viewer of stalled) viewer.close();
  const output = llm?.requests.flatMap((r) => r.toolResults.map((t) => t.output)).join("\n") ?? "";
  const run: Run = {
    kind,
    round: n,
    turnMs: Math.round(turnMs),
    beforeMiB: mib(before),
    peakMiB: mib(peak),
    treePeakMiB: mib(treePeak),
    rightAfterMiB: mib(rightAfter),
    settledMiB: mib(settled),
    costMiB: mib(peak - before),
    streamedMiB: round((seen[0]?.bytes ?? 0) / 2 ** 20, 1),
    toolOutputFrames: seen[0]?.toolOutputFrames ?? 0,
    capped: output.includes(CAP_MESSAGE),
    ...(gcBefore && gcAfter
      ? {
          gc: {
            beforeRssMiB: gcBefore.rss,
            beforeHeapMiB: gcBefore.heap,
            afterRssMiB: gcAfter.rss,
            afterHeapMiB: gcAfter.heap,
            beforeHeapTotalMiB: gcBefore.heapTotal,
            afterHeapTotalMiB: gcAfter.heapTotal,
            beforeExternalMiB: gcBefore.external,
            afterExternalMiB: gcAfter.external,
          },
        }
      : {}),
  };
  const atEndText = atEnd
    ? `; at the end, before any GC: JS heap ${atEnd.heapUsed} MiB of ${atEnd.heapTotal} reserved (${grownSpaces(spacesBefore, spacesAtEnd)}), external ${atEnd.external} MiB`
    : "";
  const afterGc = run.gc
    ? `; after a full GC: RSS ${run.gc.beforeRssMiB} → ${run.gc.afterRssMiB} MiB, JS heap ${run.gc.beforeHeapMiB} → ${run.gc.afterHeapMiB} MiB (reserved ${run.gc.beforeHeapTotalMiB} → ${run.gc.afterHeapTotalMiB}), external ${run.gc.beforeExternalMiB} → ${run.gc.afterExternalMiB} MiB`
    : "";
  console.log(
    `firehose-memory: ${kind} #${n}: before ${run.beforeMiB} MiB, peak ${run.peakMiB} (+${run.costMiB}), right after ${run.rightAfterMiB}, ${SETTLE_MS / 1000} s later ${run.settledMiB}${atEndText}${afterGc}; turn ${run.turnMs} ms, SSE ${run.streamedMiB} MiB in ${run.toolOutputFrames} tool-output frames${run.capped ? "" : ", NOT CAPPED"}`,
  );
  return run;
}

/** A fresh app per run, warmed up by one small command, so every run starts from the same place. */
async function startWarmApp(
  dirs: Record<"data" | "workspace" | "tools" | "skills", string>,
): Promise<AppServer> {
  rmSync(dirs.data, { recursive: true, force: true });
  const started = await startServer({
    port: await freePort(),
    dataDir: dirs.data,
    env: {
      OPENAI_BASE_URL: llm?.url ?? "",
      RATCHET_WORKSPACE: dirs.workspace,
      RATCHET_TOOLS_DIR: dirs.tools,
      RATCHET_SKILLS_DIR: dirs.skills,
      ...(GC ? inspectableEnv() : {}),
    },
  });
  if (GC) inspector = await Inspector.attach(started);
  const api = apiClient(started.url);
  const warm = await createSession(api, "warm-up");
  await api.post(`/api/sessions/${warm}/messages`, { text: "[[cmd: echo warm]]" });
  await waitForIdle(api, warm, 60_000);
  await sleep(3000);
  return started;
}

try {
  if (KINDS.length === 0) throw new Error(`--kinds: choose from ${Object.keys(COMMANDS).join(", ")}`);
  process.chdir(ROOT); // startServer runs node_modules/.bin/next and scripts/migrate.mjs relative to the repo
  dataRoot = mkdtempSync(path.join(os.tmpdir(), "ratchet-firehose-memory-"));
  const dirs = {
    data: path.join(dataRoot, "data"),
    workspace: path.join(dataRoot, "workspace"),
    tools: path.join(dataRoot, "tools"),
    skills: path.join(dataRoot, "skills"),
  };
  for (const dir of [dirs.workspace, dirs.tools, dirs.skills]) mkdirSync(dir, { recursive: true });
  llm = await startFakeLLM({ port: 0, handler: createDirectiveHandler() });
  const runs: Run[] = [];
  for (let n = 1; n <= ROUNDS; n++) {
    for (const kind of KINDS) {
      app = await startWarmApp(dirs);
      runs.push(await runOnce(apiClient(app.url), serverPid(app), kind, n));
      inspector?.close();
      inspector = undefined;
      await app.stop();
      app = undefined;
    }
  }
  const byKind = Object.fromEntries(
    KINDS.map((kind) => {
      const mine = runs.filter((r) => r.kind === kind);
      const range = (key: keyof Run) => {
        const xs = mine.map((r) => Number(r[key]));
        return [Math.min(...xs), Math.max(...xs)];
      };
      return [
        kind,
        {
          command: COMMANDS[kind],
          beforeMiB: range("beforeMiB"),
          peakMiB: range("peakMiB"),
          costMiB: range("costMiB"),
          treePeakMiB: range("treePeakMiB"),
          rightAfterMiB: range("rightAfterMiB"),
          settledMiB: range("settledMiB"),
          turnMs: range("turnMs"),
          streamedMiB: range("streamedMiB"),
          allCapped: mine.every((r) => r.capped),
        },
      ];
    }),
  );
  const file = writeResult("firehose-memory", {
    options: {
      rounds: ROUNDS,
      viewers: VIEWERS,
      stalledViewers: STALLED,
      kinds: KINDS,
      settleSeconds: SETTLE_MS / 1000,
      gc: GC,
    },
    summary: byKind,
    runs,
  });
  console.log(JSON.stringify(byKind, null, 2));
  console.log(`firehose-memory: wrote ${file}`);
  await cleanup();
  process.exit(runs.every((r) => r.capped) ? 0 : 1);
} catch (error) {
  console.error("firehose-memory failed:", error);
  await cleanup();
  process.exit(1);
}
