/**
 * Peer benchmark: Ratchet (sandbox on, sandbox off) and opencode driven by the same scripted
 * OpenAI-compatible model on loopback, one turn each in turn, so load on the shared machine falls on
 * all three alike.
 *
 *   node_modules/.bin/tsx bench/peer-opencode.ts [--turns 50] [--warmup 2] [--starts 12] [--opencode 1.18.33]
 *                                                [--node current|lts]
 *
 * Not part of CI. Needs the production build (.next). Installs opencode from npm into a temp dir
 * (never a dependency of ours) and gives it a private HOME/XDG tree there, so the real home is never
 * read or written. Every turn: the user message, then the model calls the shell tool with `true`
 * (Ratchet's `run_command`, opencode's `bash`), then answers with text. Measured per turn:
 *   toModel    client's POST sent → the model server has read the turn's first request
 *   toolStep   the model's tool-call response written → the next model request read (the command ran)
 * then the server's RSS (its whole process tree) after all turns, and the cold start: process spawned
 * → first API call answered 200 (Ratchet through scripts/start.mjs, the `npm start` path, on a
 * database that exists already; opencode's `serve`). Writes bench/results/peer-opencode.json.
 * opencode runs its commands unsandboxed; Ratchet's sandbox-off variant is the like-for-like row.
 * `--node lts` runs Ratchet's servers (launcher, migration, `next start`) on the current LTS Node
 * instead of the one running the bench, with better-sqlite3's addon built for it, as the tests'
 * LTS run does (scripts/lts-node.mjs).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { E2E } from "../e2e/support/constants";
import { apiClient, descendants, waitForIdle } from "../e2e/support/security";
import { type AppServer, serverEnv, startServer } from "../e2e/support/server";
// @ts-expect-error: a plain .mjs module without types; typed where it is used below
import * as ltsNodeModule from "../scripts/lts-node.mjs";
import { freePort } from "./support/app";
import { type ChatStream, startChatServer } from "./support/chat-server";
import { deadline, ROOT, round, type Summary, summarize, writeResult } from "./support/stats";

const ltsNode = ltsNodeModule as {
  LTS_NODE: string;
  fetchNode(version: string): string;
  buildAddon(nodeDir: string): string;
  withAddon<T>(addon: string, fn: () => Promise<T>): Promise<T>;
};

const { values } = parseArgs({
  options: {
    turns: { type: "string", default: "50" },
    warmup: { type: "string", default: "2" },
    starts: { type: "string", default: "12" },
    opencode: { type: "string", default: "1.18.33" },
    node: { type: "string", default: "current" },
  },
});
const TURNS = Math.max(1, Number.parseInt(values.turns, 10));
const WARMUP = Math.max(0, Math.min(TURNS - 1, Number.parseInt(values.warmup, 10)));
const STARTS = Math.max(1, Number.parseInt(values.starts, 10));
const OPENCODE_VERSION = values.opencode;
if (!/^1\.\d+\.\d+$/.test(OPENCODE_VERSION)) {
  console.error(
    `peer-opencode: --opencode must be a pinned 1.x version (like 1.18.33), not ${OPENCODE_VERSION}`,
  );
  process.exit(2);
}

if (values.node !== "current" && values.node !== "lts") {
  console.error(`peer-opencode: --node is current or lts, not ${values.node}`);
  process.exit(2);
}
/** Ratchet's servers' Node: undefined for the one running this bench. */
let serverNode: string | undefined;

/** PATH with the servers' Node first, for `next`'s `#!/usr/bin/env node`. */
function serverPath(): Record<string, string> {
  return serverNode ? { PATH: `${path.dirname(serverNode)}${path.delimiter}${process.env.PATH ?? ""}` } : {};
}

const temp = mkdtempSync(path.join(os.tmpdir(), "ratchet-peer-opencode-"));
const servers = new Set<{ stop(): Promise<void> }>();
let closeModel: (() => Promise<void>) | undefined;

async function cleanup(): Promise<void> {
  for (const server of servers) await server.stop().catch(() => {});
  await closeModel?.().catch(() => {});
  rmSync(temp, { recursive: true, force: true });
}

deadline(20 * 60_000, "peer-opencode", cleanup);

class Unavailable extends Error {}

/** The tail of a failed command's output, for a message that says exactly what went wrong. */
function failure(error: unknown): string {
  const e = error as { stderr?: Buffer | string; stdout?: Buffer | string; message?: string };
  const text =
    `${e.stderr?.toString() ?? ""}${e.stdout?.toString() ?? ""}`.trim() || (e.message ?? String(error));
  // npm's "complete log" lies in the temp dir, which is gone by the time anyone reads this
  return text
    .split("\n")
    .filter((line) => !/complete log of this run/.test(line))
    .slice(-15)
    .join("\n");
}

/**
 * npm 11 runs no install scripts unless allowed; a command-line allowance is accepted only for a
 * global install, so opencode goes in as a global install under a private prefix. Its postinstall
 * links the platform binary (an optional dependency, included explicitly) to bin/opencode.exe.
 */
async function installOpencode(): Promise<{ binary: string; seconds: number }> {
  const prefix = path.join(temp, "npm-prefix");
  const started = performance.now();
  try {
    // asynchronous, so Ctrl-C during the download still runs the cleanup
    await promisify(execFile)(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        "--cache",
        path.join(temp, "npm-cache"),
        "--include=optional",
        `--allow-scripts=opencode-ai@${OPENCODE_VERSION}`,
        "--no-audit",
        "--no-fund",
        "--no-update-notifier",
        `opencode-ai@${OPENCODE_VERSION}`,
      ],
      { timeout: 5 * 60_000 },
    );
  } catch (error) {
    throw new Unavailable(`npm could not install opencode-ai@${OPENCODE_VERSION}:\n${failure(error)}`);
  }
  const seconds = round((performance.now() - started) / 1000, 1);
  const pkg = path.join(prefix, "lib/node_modules/opencode-ai");
  const platform = `opencode-${os.platform()}-${os.arch()}`;
  const candidates = [
    path.join(pkg, "bin/opencode.exe"),
    path.join(pkg, "node_modules", platform, "bin/opencode"),
    path.join(prefix, "lib/node_modules", platform, "bin/opencode"),
  ];
  const binary = candidates.find(
    (c) => existsSync(c) && readFileSync(c).subarray(0, 4).toString("latin1") === "\x7fELF",
  );
  if (!binary)
    throw new Unavailable(
      `opencode-ai@${OPENCODE_VERSION} installed, but no native binary for ${platform} was found (looked at ${candidates.join(", ")}); was its optional dependency skipped?`,
    );
  let version: string;
  try {
    version = execFileSync(binary, ["--version"], { stdio: "pipe", timeout: 30_000, env: opencodeEnv() })
      .toString()
      .trim();
  } catch (error) {
    throw new Unavailable(`the opencode binary ${binary} does not run here:\n${failure(error)}`);
  }
  if (version !== OPENCODE_VERSION)
    throw new Unavailable(`installed opencode reports version ${version}, expected ${OPENCODE_VERSION}`);
  return { binary, seconds };
}

const ocHome = path.join(temp, "opencode-home");
const ocConfig = path.join(temp, "opencode.json");

/** A private home, no plugins, no model catalogue download, no updates, no sharing. */
function opencodeEnv(): NodeJS.ProcessEnv {
  return {
    NODE_ENV: "production",
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: ocHome,
    XDG_CONFIG_HOME: path.join(ocHome, ".config"),
    XDG_DATA_HOME: path.join(ocHome, ".local/share"),
    XDG_CACHE_HOME: path.join(ocHome, ".cache"),
    XDG_STATE_HOME: path.join(ocHome, ".local/state"),
    OPENCODE_CONFIG: ocConfig,
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
    OPENCODE_DISABLE_SHARE: "1",
    OPENCODE_DISABLE_CLAUDE_CODE: "1",
    OPENCODE_DISABLE_EXTERNAL_SKILLS: "1",
  };
}

function writeOpencodeConfig(modelUrl: string): void {
  mkdirSync(ocHome, { recursive: true });
  const config = {
    $schema: "https://opencode.ai/config.json",
    autoupdate: false,
    share: "disabled",
    model: "bench/bench-model",
    small_model: "bench/bench-model",
    provider: {
      bench: {
        npm: "@ai-sdk/openai-compatible",
        name: "Bench",
        options: { baseURL: modelUrl, apiKey: "sk-bench-0000" },
        models: { "bench-model": { name: "bench-model", tool_call: true } },
      },
    },
    permission: { bash: "allow", edit: "allow" },
  };
  writeFileSync(ocConfig, `${JSON.stringify(config, null, 2)}\n`);
}

interface Target {
  name: "ratchet-sandbox-on" | "ratchet-sandbox-off" | "opencode";
  pid: number;
  /** Starts a turn; resolves when the client's POST has been answered. */
  send(text: string): Promise<void>;
  waitIdle(): Promise<void>;
  stop(): Promise<void>;
}

function groupStopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-(child.pid ?? 0), "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        // gone
      }
    }, 5000);
    await gone;
    clearTimeout(timer);
  };
}

/** `opencode serve` on a free loopback port; resolves with its URL once it says it listens. */
async function spawnOpencode(
  binary: string,
  workspace: string,
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(binary, ["serve", "--hostname", "127.0.0.1", "--port", "0"], {
    cwd: workspace,
    env: opencodeEnv(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = groupStopper(child);
  const handle = { stop };
  servers.add(handle);
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Unavailable(`opencode serve exited (${code}) before listening:\n${output}`)),
    );
  });
  return {
    url,
    child,
    async stop() {
      await stop();
      servers.delete(handle);
    },
  };
}

async function json<T>(url: string, method: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
}

async function opencodeTarget(binary: string, workspace: string): Promise<Target> {
  const server = await spawnOpencode(binary, workspace);
  const created = await json<{ id: string }>(`${server.url}/session`, "POST", {});
  if (created.status !== 200) throw new Unavailable(`opencode POST /session: ${created.status}`);
  const id = created.json.id;
  return {
    name: "opencode",
    pid: server.child.pid ?? 0,
    async send(text) {
      const res = await fetch(`${server.url}/session/${id}/prompt_async`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ parts: [{ type: "text", text }] }),
      });
      await res.text();
      if (res.status !== 204) throw new Error(`opencode prompt_async: ${res.status}`);
    },
    async waitIdle() {
      const until = Date.now() + 60_000;
      for (;;) {
        const status = await json<Record<string, { type: string }>>(`${server.url}/session/status`, "GET");
        const mine = status.json[id];
        if (!mine || mine.type === "idle") return;
        if (Date.now() > until) throw new Error(`opencode session still ${mine.type} after 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: () => server.stop(),
  };
}

async function ratchetDirs(
  label: string,
): Promise<{ data: string; workspace: string; env: Record<string, string> }> {
  const root = path.join(temp, label);
  const dirs = {
    data: path.join(root, "data"),
    workspace: path.join(root, "workspace"),
    tools: path.join(root, "tools"),
    skills: path.join(root, "skills"),
  };
  mkdirSync(dirs.data, { recursive: true });
  mkdirSync(dirs.workspace);
  // the shipped skills and tools, so the per-turn scans read what a real install has
  await cp(path.join(ROOT, "skills"), dirs.skills, { recursive: true });
  await cp(path.join(ROOT, "tools"), dirs.tools, { recursive: true });
  return {
    data: dirs.data,
    workspace: dirs.workspace,
    env: {
      RATCHET_WORKSPACE: dirs.workspace,
      RATCHET_WORKSPACE_ROOTS: dirs.workspace,
      RATCHET_TOOLS_DIR: dirs.tools,
      RATCHET_SKILLS_DIR: dirs.skills,
      RATCHET_MODEL: "bench-model",
    },
  };
}

function tracked(server: AppServer): AppServer {
  const handle = { stop: () => server.stop() };
  servers.add(handle);
  return {
    ...server,
    async stop() {
      await server.stop();
      servers.delete(handle);
    },
  };
}

async function ratchetTarget(sandbox: "on" | "off", modelUrl: string): Promise<Target> {
  const dirs = await ratchetDirs(`ratchet-${sandbox}`);
  const server = tracked(
    await startServer({
      port: await freePort(),
      dataDir: dirs.data,
      env: { ...dirs.env, OPENAI_BASE_URL: modelUrl, RATCHET_SANDBOX: sandbox },
      node: serverNode,
    }),
  );
  const api = apiClient(server.url);
  const created = await api.post<{ id: string }>("/api/sessions", {
    title: `peer bench, sandbox ${sandbox}`,
  });
  if (created.status !== 201) throw new Error(`session: ${created.status} ${created.text}`);
  const id = created.json.id;
  return {
    name: sandbox === "on" ? "ratchet-sandbox-on" : "ratchet-sandbox-off",
    pid: server.pid,
    async send(text) {
      const res = await api.post(`/api/sessions/${id}/messages`, { text });
      if (res.status !== 202) throw new Error(`send: ${res.status} ${res.text}`);
    },
    async waitIdle() {
      const session = await waitForIdle(api, id, 60_000);
      if (session.status !== "idle") throw new Error(`Ratchet turn ended ${String(session.status)}`);
    },
    stop: () => server.stop(),
  };
}

/** Resident memory of a process and all its descendants, in MiB. */
function treeRssMiB(pid: number): number {
  let kib = 0;
  for (const p of [pid, ...descendants(pid).map((d) => d.pid)]) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kib += Number(match?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return round(kib / 1024, 1);
}

// ---- the scripted model: what the current turn is waiting for ----

type Json = Record<string, unknown>;
interface TurnProbe {
  firstAt?: number;
  toolSentAt?: number;
  nextAt?: number;
  toolResult?: string;
  onNext?: () => void;
}
let probe: TurnProbe | null = null;
let auxiliaryRequests = 0;

function toolNames(body: Json): string[] {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  return tools.map((t) => String(((t as Json).function as Json | undefined)?.name ?? ""));
}

async function script(body: Json, stream: ChatStream): Promise<void> {
  const at = performance.now();
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const last = messages.at(-1);
  const names = toolNames(body);
  // requests without tools are side work (opencode titles its sessions with one): answered, not timed
  if (names.length === 0 || !probe) {
    auxiliaryRequests++;
    await stream.text("bench");
    return;
  }
  if (last?.role === "tool") {
    probe.nextAt ??= at;
    probe.toolResult ??= typeof last.content === "string" ? last.content : JSON.stringify(last.content);
    probe.onNext?.();
    await stream.text("done");
    return;
  }
  probe.firstAt ??= at;
  if (names.includes("run_command")) await stream.toolCall("run_command", { command: "true" });
  else if (names.includes("bash"))
    await stream.toolCall("bash", { command: "true", description: "Run true" });
  else throw new Error(`no shell tool among ${names.join(", ")}`);
  probe.toolSentAt = performance.now();
}

async function timedTurn(
  target: Target,
  turn: number,
): Promise<{ toModel: number; toolStep: number; result: string }> {
  const current: TurnProbe = {};
  const next = new Promise<void>((resolve) => {
    current.onNext = resolve;
  });
  probe = current;
  const sent = performance.now();
  await target.send(`peer bench turn ${turn}: run true`);
  await next;
  await target.waitIdle();
  probe = null;
  if (current.firstAt === undefined || current.toolSentAt === undefined || current.nextAt === undefined)
    throw new Error(`${target.name}: turn ${turn} did not reach the model twice`);
  return {
    toModel: current.firstAt - sent,
    toolStep: current.nextAt - current.toolSentAt,
    result: current.toolResult ?? "",
  };
}

// ---- cold start ----

async function untilOk(url: string, headers: Record<string, string> = {}): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer 200 within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function ratchetColdStart(
  dirs: { data: string; env: Record<string, string> },
  modelUrl: string,
): Promise<number> {
  const started = performance.now();
  const server = tracked(
    await startServer({
      port: await freePort(),
      dataDir: dirs.data,
      launcher: "npm-start",
      env: { ...dirs.env, OPENAI_BASE_URL: modelUrl },
      node: serverNode,
    }),
  );
  try {
    await untilOk(`${server.url}/api/sessions`, { authorization: `Bearer ${E2E.token}` });
    const ms = performance.now() - started;
    if (/building the app/.test(server.output()))
      throw new Error("scripts/start.mjs rebuilt the app: run `next build` first so the start is a restart");
    return ms;
  } finally {
    await server.stop();
  }
}

/**
 * The floor of Ratchet's restart: `next start` alone on the already-migrated database, with no
 * launcher in front (no config check, no migrate, no build check), as the goal names it,
 * and the environment settings the launcher would give it.
 */
async function nextStartColdStart(
  dirs: { data: string; env: Record<string, string> },
  modelUrl: string,
): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const env = {
    ...process.env,
    ...E2E.serverEnv({ port, dataDir: dirs.data }),
    ...dirs.env,
    OPENAI_BASE_URL: modelUrl,
    ...serverPath(),
  };
  // with the settings scripts/start.mjs gives the server (memory, the compile cache)
  const child = spawn("node_modules/.bin/next", ["start", "-H", "127.0.0.1", "-p", String(port)], {
    env: { ...env, ...serverEnv(env) },
    detached: true,
    stdio: "ignore",
  });
  const handle = { stop: groupStopper(child) };
  servers.add(handle);
  try {
    await untilOk(`http://127.0.0.1:${port}/api/sessions`, { authorization: `Bearer ${E2E.token}` });
    return performance.now() - started;
  } finally {
    await handle.stop();
    servers.delete(handle);
  }
}

async function opencodeColdStart(binary: string, workspace: string): Promise<number> {
  const started = performance.now();
  const server = await spawnOpencode(binary, workspace);
  try {
    await untilOk(`${server.url}/session`);
    return performance.now() - started;
  } finally {
    await server.stop();
  }
}

// ---- main ----

function ratio(a: number, b: number): number {
  return round(a / b, 2);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID")))
    throw new Error(
      "No production build: run `NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build` first.",
    );
  process.chdir(ROOT); // startServer runs node_modules/.bin/next and scripts/ relative to the repo
  console.log(`peer-opencode: installing opencode-ai@${OPENCODE_VERSION} into ${temp}…`);
  const { binary, seconds } = await installOpencode();
  console.log(`peer-opencode: installed in ${seconds} s (${binary})`);

  const model = await startChatServer((req, stream) => script(req.body, stream));
  closeModel = model.close;
  writeOpencodeConfig(model.url);
  const ocWorkspace = path.join(temp, "opencode-workspace");
  mkdirSync(ocWorkspace);

  const targets: Target[] = [
    await ratchetTarget("on", model.url),
    await ratchetTarget("off", model.url),
    await opencodeTarget(binary, ocWorkspace),
  ];
  const samples = new Map(
    targets.map((t) => [t.name, { toModel: [] as number[], toolStep: [] as number[] }]),
  );
  const firstResult = new Map<string, string>();
  for (let turn = 0; turn < TURNS; turn++) {
    // a different order each round, so no one target always follows the same neighbour
    const order = targets.map((_, i) => targets[(i + turn) % targets.length] as Target);
    for (const target of order) {
      const t = await timedTurn(target, turn);
      if (!firstResult.has(target.name)) firstResult.set(target.name, t.result.slice(0, 200));
      if (turn < WARMUP) continue;
      samples.get(target.name)?.toModel.push(t.toModel);
      samples.get(target.name)?.toolStep.push(t.toolStep);
    }
    if ((turn + 1) % 10 === 0) console.log(`peer-opencode: ${turn + 1}/${TURNS} turns each`);
  }
  const rss = new Map(targets.map((t) => [t.name, treeRssMiB(t.pid)]));
  for (const target of targets) await target.stop();

  // cold starts, alternating; Ratchet's database is migrated by its first start, as after an install
  const cold = { ratchet: [] as number[], nextStart: [] as number[], opencode: [] as number[] };
  const coldDirs = await ratchetDirs("ratchet-cold");
  const ocColdWorkspace = path.join(temp, "opencode-cold-workspace");
  mkdirSync(ocColdWorkspace);
  const firstStart = {
    ratchet: round(await ratchetColdStart(coldDirs, model.url), 1),
    opencode: round(await opencodeColdStart(binary, ocColdWorkspace), 1),
  };
  for (let i = 0; i < STARTS; i++) {
    cold.ratchet.push(await ratchetColdStart(coldDirs, model.url));
    cold.nextStart.push(await nextStartColdStart(coldDirs, model.url));
    cold.opencode.push(await opencodeColdStart(binary, ocColdWorkspace));
  }

  const figures = Object.fromEntries(
    targets.map((t) => {
      const s = samples.get(t.name) ?? { toModel: [], toolStep: [] };
      return [
        t.name,
        {
          toModel: summarize(s.toModel),
          toolStep: summarize(s.toolStep),
          rssMiBAfterTurns: rss.get(t.name) ?? Number.NaN,
          firstToolResult: firstResult.get(t.name) ?? "",
        },
      ];
    }),
  ) as Record<
    Target["name"],
    { toModel: Summary; toolStep: Summary; rssMiBAfterTurns: number; firstToolResult: string }
  >;
  const on = figures["ratchet-sandbox-on"];
  const off = figures["ratchet-sandbox-off"];
  const oc = figures.opencode;
  const coldSummary = {
    ratchet: summarize(cold.ratchet),
    nextStart: summarize(cold.nextStart),
    opencode: summarize(cold.opencode),
  };
  const ratios = {
    toModel: {
      sandboxOn: ratio(on.toModel.p50, oc.toModel.p50),
      sandboxOff: ratio(off.toModel.p50, oc.toModel.p50),
    },
    toolStep: {
      sandboxOn: ratio(on.toolStep.p50, oc.toolStep.p50),
      sandboxOff: ratio(off.toolStep.p50, oc.toolStep.p50),
    },
    rss: {
      sandboxOn: ratio(on.rssMiBAfterTurns, oc.rssMiBAfterTurns),
      sandboxOff: ratio(off.rssMiBAfterTurns, oc.rssMiBAfterTurns),
    },
    coldStart: ratio(coldSummary.ratchet.p50, coldSummary.opencode.p50),
    /** npm start's path against `next start` alone: what the launcher adds. */
    coldStartToNextStart: ratio(coldSummary.ratchet.p50, coldSummary.nextStart.p50),
  };
  const goal = { toModel: 1, toolStepSandboxOn: 0.8, rss: 1, coldStart: 0.7 };
  const ratchetNode = execFileSync(serverNode ?? process.execPath, ["--version"], {
    encoding: "utf8",
  }).trim();
  const file = writeResult("peer-opencode", {
    ratchetNode,
    opencode: { version: OPENCODE_VERSION, installSeconds: seconds },
    turns: TURNS,
    warmup: WARMUP,
    starts: STARTS,
    auxiliaryModelRequests: auxiliaryRequests,
    targets: figures,
    coldStartMs: { ...coldSummary, firstStart },
    ratios,
    goal: {
      ...goal,
      met: {
        toModel: ratios.toModel.sandboxOn <= goal.toModel,
        toolStep: ratios.toolStep.sandboxOn <= goal.toolStepSandboxOn,
        rss: ratios.rss.sandboxOn <= goal.rss,
        coldStart: ratios.coldStart <= goal.coldStart,
      },
    },
  });
  for (const t of targets) {
    const f = figures[t.name];
    console.log(
      `  ${t.name.padEnd(20)} message → model p50 ${f.toModel.p50} ms, tool step p50 ${f.toolStep.p50} ms, RSS after ${TURNS} turns ${f.rssMiBAfterTurns} MiB`,
    );
  }
  console.log(
    `  cold start to first API call p50: Ratchet on Node ${ratchetNode} (npm start) ${coldSummary.ratchet.p50} ms (next start alone ${coldSummary.nextStart.p50} ms), opencode ${coldSummary.opencode.p50} ms → ${ratios.coldStart}×`,
  );
  console.log(`  ratios to opencode: ${JSON.stringify(ratios)}`);
  console.log(`peer-opencode: wrote ${file}`);
}

/** main, its servers on the LTS Node with `--node lts` (the addon swapped back when it ends). */
async function run(): Promise<void> {
  if (values.node === "current") return main();
  process.chdir(ROOT); // withAddon swaps node_modules/better-sqlite3's addon, relative to the repo
  const dir = ltsNode.fetchNode(ltsNode.LTS_NODE);
  const addon = ltsNode.buildAddon(dir);
  serverNode = path.join(dir, "bin", "node");
  console.log(`peer-opencode: Ratchet runs on Node ${ltsNode.LTS_NODE} (${serverNode})`);
  return ltsNode.withAddon(addon, main);
}

run()
  .then(async () => {
    await cleanup();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    console.error(
      error instanceof Unavailable
        ? `peer-opencode: opencode cannot be installed or run here: ${error.message}`
        : `peer-opencode: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    await cleanup();
    process.exit(1);
  });
