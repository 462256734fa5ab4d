/**
 * The first turn after a start: the server is started, and the moment its API answers, a session is
 * made and a message sent, as a person who reloads the page after a restart would. Measured per start:
 *   ready      server spawned → first authenticated API call answered 200 (`next start` alone)
 *   first      the first message's POST sent → the scripted model server has read the model request
 *   second     the same for the next message, sent when the first turn has ended
 *
 *   node_modules/.bin/tsx bench/first-turn.ts [--starts 8] [--db seeded|fresh] [--app DIR ...]
 *     [--first-start] [--quiet] [--cpu-prof] [--warm-turns N]
 *
 * Not part of CI. Every start gets a copy of the same database, one that a server has already run on
 * (a template made once per run by starting the first app on it and waiting until it is quiet), so
 * each is a restart, not a first start (`--first-start`: the template is only migrated, so the
 * starter tools are synced at every start). `--quiet` sends the message only once the server has been
 * idle 2 s: what is cold code, not the boot's own work. `seeded` is the 1M-call file with its telemetry rollups
 * stored that bench/turn-start.ts makes (run it once first). With several `--app` folders (each a
 * checkout with its own `next build`), the starts alternate between them in ABBA order, so the
 * machine's load falls on all alike: a before/after in one run. `--cpu-prof` profiles every server
 * (`node --cpu-prof`) and prints the self time by origin over each first turn's window (the POST sent →
 * the model request read), taken from the profile's own clock, which is the same monotonic clock
 * as this process's `process.hrtime`, with the frames mapped through the chunks' source maps. Writes bench/results/first-turn.json and, profiled, the
 * profiles in bench/results/first-turn-prof/. `--warm-turns N` times N more turns after the second
 * (the warm turn start, in the same server and session) and, profiled, prints their mean self time.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cp } from "node:fs/promises";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { E2E } from "../e2e/support/constants";
import { createDirectiveHandler, type FakeLLM, startFakeLLM } from "../e2e/support/fake-llm";
import { type Api, apiClient, descendants, waitForIdle } from "../e2e/support/security";
import { freePort } from "./support/app";
import { deadline, RESULTS_DIR, ROOT, round, type Summary, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    starts: { type: "string", default: "8" },
    db: { type: "string", default: "seeded" },
    app: { type: "string", multiple: true },
    "cpu-prof": { type: "boolean", default: false },
    calls: { type: "string", default: "1000000" },
    /** Wait until the server is quiet before the first message: what is cold code, not the boot's own work. */
    quiet: { type: "boolean", default: false },
    /** The template is migrated but never started on: each start is the first (the starter tools are synced then). */
    "first-start": { type: "boolean", default: false },
    "warm-turns": { type: "string", default: "0" },
  },
});
const STARTS = Math.max(1, Number.parseInt(values.starts, 10));
const DB = values.db === "fresh" ? "fresh" : "seeded";
const APPS = (values.app?.length ? values.app : [ROOT]).map((dir) => path.resolve(dir));
const PROFILE = values["cpu-prof"];
const WARM_TURNS = Number(values["warm-turns"]);
const SEEDED = path.join(os.tmpdir(), "ratchet-turn-start-bench", `seed-${values.calls}-rollups.db`);
const PROFILE_DIR = path.join(RESULTS_DIR, "first-turn-prof");

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

const servers = new Set<Server>();
let llm: FakeLLM | undefined;
const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-first-turn-"));

async function cleanup(): Promise<void> {
  for (const server of servers) await server.stop().catch(() => {});
  await llm?.close().catch(() => {});
  rmSync(root, { recursive: true, force: true });
}

deadline(40 * 60_000, "first-turn", cleanup);

/** Monotonic microseconds, the clock V8's CPU profiles are stamped with. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Model requests in arrival order, stamped when the scripted server has read the body. */
const arrivals: number[] = [];
let arrived: (() => void) | null = null;

function nextArrival(count: number): Promise<void> {
  if (arrivals.length > count) return Promise.resolve();
  return new Promise((resolve) => {
    arrived = () => {
      if (arrivals.length > count) {
        arrived = null;
        resolve();
      }
    };
  });
}

interface Dirs {
  data: string;
  workspace: string;
  tools: string;
  skills: string;
}

function spawnServer(app: string, dirs: Dirs, port: number, profileDir?: string): Server {
  const dataDir = dirs.data;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...E2E.serverEnv({ port, dataDir }),
    OPENAI_BASE_URL: llm?.url ?? "",
    RATCHET_WORKSPACE: dirs.workspace,
    RATCHET_WORKSPACE_ROOTS: dirs.workspace,
    RATCHET_TOOLS_DIR: dirs.tools,
    RATCHET_SKILLS_DIR: dirs.skills,
  };
  // node's flags, not NODE_OPTIONS (which refuses --cpu-prof); `next start` serves in this one process
  const flags = profileDir ? ["--cpu-prof", "--cpu-prof-interval=100", `--cpu-prof-dir=${profileDir}`] : [];
  const next = path.join(app, "node_modules/next/dist/bin/next");
  const child = spawn(process.execPath, [...flags, next, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: app,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const server: Server = {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-(child.pid ?? 0), "SIGTERM");
        } catch {
          // gone
        }
      }
      await exited;
      servers.delete(server);
    },
  };
  servers.add(server);
  return server;
}

/** Polls the API every 10 ms until it answers 200 (the boot has finished: requests wait for it). */
async function untilReady(server: Server): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(`${server.url}/api/sessions`, {
        headers: { authorization: `Bearer ${E2E.token}` },
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.output()}`);
    if (Date.now() > until) throw new Error(`not ready within 120 s:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function timedTurn(api: Api, id: string): Promise<{ ms: number; window: [number, number] }> {
  const count = arrivals.length;
  const waiting = nextArrival(count);
  const sent = nowUs();
  const res = await api.post(`/api/sessions/${id}/messages`, { text: "hello, what is in this repo?" });
  if (res.status !== 202) throw new Error(`send: ${res.status} ${res.text}`);
  await waiting;
  const at = arrivals[count] ?? Number.NaN;
  const session = await waitForIdle(api, id, 60_000);
  if (session.status !== "idle") throw new Error(`turn ended ${String(session.status)}`);
  return { ms: (at - sent) / 1000, window: [sent, at] };
}

/** CPU seconds used so far by a process and its descendants. */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid).map((d) => d.pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

async function waitForQuiet(pid: number, limitMs: number): Promise<void> {
  const started = Date.now();
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (quiet < 2 && Date.now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = cpuSeconds(pid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
}

function freshDirs(name: string): Dirs {
  const dir = path.join(root, name);
  const dirs = {
    data: path.join(dir, "data"),
    workspace: path.join(dir, "workspace"),
    tools: path.join(dir, "tools"),
    skills: path.join(dir, "skills"),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

/** A data dir a server has run on and left quiet: every start begins from a copy of it. */
async function template(): Promise<Dirs> {
  const dirs = freshDirs("template");
  await cp(path.join(APPS[0] ?? ROOT, "skills"), dirs.skills, { recursive: true });
  await cp(path.join(APPS[0] ?? ROOT, "tools"), dirs.tools, { recursive: true });
  const env = { ...process.env, ...E2E.serverEnv({ port: 1, dataDir: dirs.data }) };
  if (DB === "seeded") {
    if (!existsSync(SEEDED))
      throw new Error(`${SEEDED} is missing: run bench/turn-start.ts --only seeded once to make it`);
    execFileSync("cp", ["--reflink=auto", SEEDED, path.join(dirs.data, "ratchet.db")]);
  }
  execFileSync(process.execPath, ["scripts/migrate.mjs"], { cwd: APPS[0], env, stdio: "pipe" });
  if (values["first-start"]) return dirs;
  const server = spawnServer(APPS[0] ?? ROOT, dirs, await freePort());
  await untilReady(server);
  await waitForQuiet(server.child.pid ?? 0, 120_000);
  await server.stop();
  return dirs;
}

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { url: string; functionName: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const sourceMaps = new Map<string, SourceMap | null>();

/** Where a bundled frame came from, by the chunk's source map: `lib/agent/turn/prepare.ts`, a package, … */
function originalSource(url: string, line: number, column: number): string | null {
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  let map = sourceMaps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    sourceMaps.set(file, map);
  }
  const entry = map?.findEntry(line, column);
  return entry && "originalSource" in entry ? entry.originalSource : null;
}

function originOf(node: ProfileNode): string {
  const { url, functionName, lineNumber, columnNumber } = node.callFrame;
  const source = url.includes("/.next/server/") ? originalSource(url, lineNumber, columnNumber) : null;
  const where = source ?? url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(decodeURIComponent(where))?.[1];
  if (pkg) return pkg;
  const own = /(?:^|\/)(lib|app|components)\/(.+)$/.exec(where.replace(/^[^:]+:\/\/\/?(\[project\]\/)?/, ""));
  if (own) return `${own[1]}/${own[2]}`;
  if (url.includes("/.next/server/")) return `.next/server (unmapped)`;
  if (url.startsWith("node:")) return "node internals";
  return functionName.startsWith("wasm-function")
    ? "(wasm: Prisma's query compiler)"
    : `(${functionName || "program"})`;
}

/**
 * Self time (ms) inside [from, to] (µs, monotonic): per origin, per function, and per the own code
 * (lib/, app/) that led to it: the innermost own frame (`caller`: which of our functions the
 * package time was spent for) and the outermost (`entry`: the boot's warm-up or the request).
 */
function windowSelfTime(profile: Profile, from: number, to: number, more: readonly [number, number][] = []) {
  const windows: [number, number][] = [[from, to], ...more];
  const per = 1 / windows.length;
  const inside = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const origins = new Map<number, string>();
  const originFor = (id: number): string => {
    let origin = origins.get(id);
    if (origin === undefined) {
      const n = node.get(id);
      origin = n ? originOf(n) : "?";
      origins.set(id, origin);
    }
    return origin;
  };
  const own = (origin: string) => /^(lib|app|components)\//.test(origin);
  const tallies = {
    byOrigin: new Map<string, number>(),
    byFunction: new Map<string, number>(),
    byCaller: new Map<string, number>(),
    byEntry: new Map<string, number>(),
  };
  const add = (m: Map<string, number>, key: string, ms: number) => m.set(key, (m.get(key) ?? 0) + ms);
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    const next = t + (profile.timeDeltas[i + 1] ?? 0);
    if (!inside(t)) return;
    const n = node.get(id);
    if (!n) return;
    // over several windows (the warm turns), the mean per window
    const ms = ((next - t) / 1000) * per;
    const origin = originFor(id);
    // our own code by folder (lib/agent/turn, lib/telemetry, …), the functions by file
    add(tallies.byOrigin, own(origin) ? path.dirname(origin) : origin, ms);
    add(tallies.byFunction, `${origin}: ${n.callFrame.functionName || "(anonymous)"}`, ms);
    let caller: string | null = null;
    let entry: string | null = null;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const o = originFor(at);
      if (!own(o)) continue;
      const fn = `${o}: ${node.get(at)?.callFrame.functionName || "(anonymous)"}`;
      caller ??= fn;
      entry = fn;
    }
    add(tallies.byCaller, caller ?? `(no own code) ${origin}`, ms);
    add(tallies.byEntry, entry ?? `(no own code) ${origin}`, ms);
  });
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([key, ms]) => [key, round(ms, 1)] as const);
  return {
    byOrigin: top(tallies.byOrigin, 20),
    byFunction: top(tallies.byFunction, 30),
    byCaller: top(tallies.byCaller, 30),
    byEntry: top(tallies.byEntry, 20),
  };
}

/** What the server did over time (bins of `binMs` from `from`), each bin's top three by entry. */
function timeline(profile: Profile, from: number, to: number, binMs = 100): string[] {
  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const kinds = new Map<number, string>();
  const kindOf = (id: number): string => {
    const known = kinds.get(id);
    if (known) return known;
    let kind: string | null = null;
    let preload = false;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = node.get(at);
      if (!n) break;
      if (
        n.callFrame.functionName === "unstable_preloadEntries" ||
        n.callFrame.functionName === "loadComponents"
      )
        preload = true;
      const o = originOf(n);
      if (/^(lib|app)\//.test(o)) kind = o;
    }
    const self = node.get(id);
    const origin = self ? originOf(self) : "?";
    const result = preload ? "next: preload entries" : (kind ?? origin);
    kinds.set(id, result);
    return result;
  };
  const bins = new Map<number, Map<string, number>>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < from || t > to) return;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const bin = Math.floor((t - from) / 1000 / binMs);
    const m = bins.get(bin) ?? new Map<string, number>();
    const k = kindOf(id);
    m.set(k, (m.get(k) ?? 0) + ms);
    bins.set(bin, m);
  });
  return [...bins]
    .sort((a, b) => a[0] - b[0])
    .map(
      ([bin, m]) =>
        `${String(bin * binMs).padStart(6)} ms  ${[...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([k, ms]) => `${k} ${Math.round(ms)}`)
          .join(" | ")}`,
    );
}

/** The server's profile: the largest one written into its folder (the launcher's, if any, is small). */
function serverProfile(dir: string): Profile | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f));
  const largest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  return largest ? (JSON.parse(readFileSync(largest, "utf8")) as Profile) : null;
}

interface Start {
  app: string;
  ready: number;
  first: number;
  second: number;
  load: number;
  /** Monotonic µs: server spawned, API ready, first message sent, its model request read. */
  marks: { spawned: number; ready: number; sent: number; modelRequest: number; warm: [number, number][] };
  /** `--warm-turns`: each later turn's POST sent → model request read. */
  warm: number[];
  /** The first turn's window; the start (spawned → ready); ready → the first message sent. */
  profile?: ReturnType<typeof windowSelfTime>;
  bootProfile?: ReturnType<typeof windowSelfTime>;
  betweenProfile?: ReturnType<typeof windowSelfTime>;
  /** Self time per warm turn, the mean over their windows. */
  warmProfile?: ReturnType<typeof windowSelfTime>;
  timeline?: string[];
}

async function oneStart(app: string, tmpl: Dirs, label: string): Promise<Start> {
  const dirs = freshDirs(label);
  for (const key of ["data", "tools", "skills"] as const)
    execFileSync("cp", ["-a", "--reflink=auto", `${tmpl[key]}/.`, dirs[key]]);
  const profileDir = PROFILE ? path.join(PROFILE_DIR, label) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const load = os.loadavg()[0] ?? 0;
  const spawned = performance.now();
  const spawnedUs = nowUs();
  const server = spawnServer(app, dirs, await freePort(), profileDir);
  try {
    await untilReady(server);
    const ready = performance.now() - spawned;
    const readyUs = nowUs();
    if (values.quiet) await waitForQuiet(server.child.pid ?? 0, 60_000);
    const api = apiClient(server.url);
    const created = await api.post<{ id: string }>("/api/sessions", { title: "first turn" });
    if (created.status !== 201) throw new Error(`session: ${created.status} ${created.text}`);
    const first = await timedTurn(api, created.json.id);
    const second = await timedTurn(api, created.json.id);
    const warm: Awaited<ReturnType<typeof timedTurn>>[] = [];
    for (let k = 0; k < WARM_TURNS; k++) warm.push(await timedTurn(api, created.json.id));
    await server.stop();
    const profile = profileDir ? serverProfile(profileDir) : null;
    rmSync(path.join(root, label), { recursive: true, force: true });
    return {
      app,
      ready: round(ready, 1),
      first: round(first.ms, 1),
      second: round(second.ms, 1),
      load: round(load, 2),
      warm: warm.map((w) => round(w.ms, 1)),
      marks: {
        spawned: spawnedUs,
        ready: readyUs,
        sent: first.window[0],
        modelRequest: first.window[1],
        warm: warm.map((w) => w.window),
      },
      ...(profile
        ? {
            profile: windowSelfTime(profile, ...first.window),
            bootProfile: windowSelfTime(profile, spawnedUs, readyUs),
            betweenProfile: windowSelfTime(profile, readyUs, first.window[0]),
            ...(warm[0]
              ? {
                  warmProfile: windowSelfTime(
                    profile,
                    ...warm[0].window,
                    warm.slice(1).map((w) => w.window),
                  ),
                }
              : {}),
            timeline: timeline(profile, spawnedUs, first.window[1] + 300_000),
          }
        : {}),
    };
  } finally {
    await server.stop();
  }
}

try {
  for (const app of APPS)
    if (!existsSync(path.join(app, ".next/BUILD_ID")))
      throw new Error(`${app}: no production build (next build)`);
  const directives = createDirectiveHandler();
  llm = await startFakeLLM({
    port: 0,
    handler: (req) => {
      arrivals.push(nowUs());
      arrived?.();
      return directives(req);
    },
  });
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  console.log(`first-turn: preparing the ${DB} template…`);
  const tmpl = await template();
  const starts: Start[] = [];
  for (let i = 0; i < STARTS; i++) {
    // ABBA: each app goes first as often as last
    const order = i % 2 === 0 ? APPS : [...APPS].reverse();
    for (const app of order) {
      const start = await oneStart(app, tmpl, `start-${i}-${path.basename(app)}`);
      starts.push(start);
      console.log(
        `first-turn ${path.basename(app)} #${i + 1}: ready ${start.ready} ms, first turn ${start.first} ms, second ${start.second} ms (load ${start.load})`,
      );
      if (start.profile) {
        console.log("  first turn's window, self time by origin (ms):");
        for (const [origin, ms] of start.profile.byOrigin.slice(0, 12)) console.log(`    ${ms}  ${origin}`);
      }
      if (start.warm.length) console.log(`  warm turns: ${start.warm.join(", ")} ms`);
      if (start.warmProfile) {
        console.log("  warm turns' windows, self time per turn by origin, then by function (ms):");
        for (const [origin, ms] of start.warmProfile.byOrigin.slice(0, 14))
          console.log(`    ${ms}  ${origin}`);
        for (const [fn, ms] of start.warmProfile.byFunction.slice(0, 14)) console.log(`    ${ms}  ${fn}`);
      }
    }
  }
  const perApp: Record<
    string,
    { ready: Summary; first: Summary; second: Summary; warm: Summary; firsts: number[] }
  > = {};
  for (const app of APPS) {
    const mine = starts.filter((s) => s.app === app);
    perApp[app] = {
      ready: summarize(mine.map((s) => s.ready)),
      first: summarize(mine.map((s) => s.first)),
      second: summarize(mine.map((s) => s.second)),
      warm: summarize(mine.flatMap((s) => s.warm)),
      firsts: mine.map((s) => s.first),
    };
    const f = perApp[app];
    console.log(
      `first-turn ${app} (${DB}): ready p50 ${f?.ready.p50} ms; first turn p50 ${f?.first.p50} ms (min ${f?.first.min}, max ${f?.first.max}); second p50 ${f?.second.p50} ms${f?.warm.n ? `; warm turns p50 ${f.warm.p50} ms (n ${f.warm.n})` : ""}`,
    );
  }
  const file = writeResult("first-turn", { db: DB, starts, perApp });
  console.log(`first-turn: wrote ${path.relative(ROOT, file)}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
