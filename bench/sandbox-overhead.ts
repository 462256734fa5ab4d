/**
 * Sandbox overhead: what bubblewrap costs per command, and what Ratchet adds on top.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/sandbox-overhead.ts [--n 60] [--warmup 8]
 *
 * Variants, interleaved round-robin so drift hits them equally:
 *   spawn        child_process.spawn("true") until "exit"                          — the floor (≈ 2 ms)
 *   bwrap        `bwrap --unshare-pid --unshare-net --dev-bind / / true` until "exit" — the floor of
 *                a namespaced process (issue 20's measure)
 *   runProcess   lib/sandbox runProcess({ command: "true", sandbox }) — ours: the allowlisted view
 *                (system folders, toolchains, workspace by verified descriptor), the workspace guard,
 *                the per-command proxy and its bridge, process group, pdeathsig, pids cgroup, masking;
 *                started fresh, as a session's first command is
 *   prestarted   the same with `prestart` and a private temp dir, as run_command asks: the sandbox
 *                was started after the previous such command (lib/sandbox/prestart.ts); wall time
 *                includes the check that it is still current and the guard's check after
 *   run_command  the built-in tool: private temp dir, runProcess (prestarted), process tracking rows
 * Agent-written tools:
 *   node         spawn(node -e 0) until "exit"                                     — the floor for a tool
 *   node-env     the same with the server's env untouched: NODE_EXTRA_CA_CERTS, when set, makes Node
 *                parse every listed certificate at startup; a network-less tool runs without it, so
 *                node and bwrap-node drop it too to compare like with like
 *   bwrap-node   `node -e 0` in the floor bwrap
 *   tool-call    callAgentTool() of a trivial network-less tool end to end: argument check, temp dir,
 *                tool-host.mjs loads the module in the sandbox, calls run, writes the result, parse;
 *                the host of each call after the first was started when the call before it ended
 *   tool-first   the same for a tool's first call in a workspace (no host waiting), each against a
 *                `node` of its own round; measured after the rounds, as each leaves a host waiting
 * Goals (issue 20): a sandboxed `true` ≤ 20 ms p50; a trivial tool call ≤ 1.5 × the bare node floor.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startBenchSandbox } from "./support/sandbox";
import { deadline, machine, ms, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: { n: { type: "string", default: "60" }, warmup: { type: "string", default: "8" } },
});
const N = Math.max(1, Number.parseInt(values.n, 10));
const WARMUP = Math.max(0, Number.parseInt(values.warmup, 10));
const GOAL_SANDBOXED_TRUE_MS = 20;
const GOAL_TOOL_RATIO = 1.5;

deadline(140_000, "sandbox-overhead");

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-sandbox-"));
const workspace = path.join(dataDir, "workspace");
const prestartCwd = path.join(workspace, "prestarted");
mkdirSync(prestartCwd, { recursive: true });
process.env.RATCHET_DATA_DIR = dataDir;
process.env.RATCHET_WORKSPACE = workspace;
process.env.RATCHET_TOOLS_DIR = path.join(dataDir, "tools");
delete process.env.DATABASE_URL;
execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], {
  cwd: ROOT,
  env: process.env,
  stdio: "pipe",
});

const { dbReady } = await import("../lib/db/client");
const { forgetProcess, recordProcess } = await import("../lib/db/queries/processes");
const { createSession, startTurn } = await import("../lib/db/queries/sessions");
const { runCommand } = await import("../lib/agent/tools/run-command");
const { runProcess, shutdownSandbox } = await import("../lib/sandbox");
const { callAgentTool } = await import("../lib/tools/call");
const { sha256 } = await import("../lib/tools/hash");
const { prestartStats } = await import("../lib/sandbox/prestart");
const { prestartHost } = await import("../lib/tools/host");
type ToolContext = import("../lib/tools/types").ToolContext;
type CallableTool = import("../lib/tools/catalog").CallableTool;

await dbReady();
await startBenchSandbox({ dataDir });
const session = await createSession({ title: "bench", workspace, budgetUsd: null, model: "bench" });
const turn = await startTurn(session.id);
let seq = 0;
const context = (): ToolContext => ({
  sessionId: session.id,
  turnId: turn.id,
  callId: `call_${++seq}`,
  workspace,
  signal: new AbortController().signal,
  secrets: [],
  emit: async () => {},
  trackProcess: async (info) => {
    await recordProcess({ pgid: info.pgid, marker: info.marker, sessionId: session.id, turnId: turn.id });
  },
  untrackProcess: async (marker) => {
    await forgetProcess(marker);
  },
  reload: async () => "",
});

const TRIVIAL_SOURCE = `export const description = "Echoes its arguments.";
export const schema = { type: "object", properties: { text: { type: "string" } } };
export async function run(args) { return { ok: true, result: args.text ?? "" }; }`;

const trivial: CallableTool = {
  name: "echo_args",
  version: 1,
  versionId: "bench",
  // the tool host runs a source only under its own hash
  sha256: sha256(TRIVIAL_SOURCE),
  source: TRIVIAL_SOURCE,
  manifest: {
    description: "Echoes its arguments.",
    schema: { type: "object", properties: { text: { type: "string" } } },
    capabilities: { filesystem: "none", network: false, subprocess: false, env: [] },
    requires: [],
    examples: 0,
  },
  trial: false,
};

function until(child: ChildProcess, event: "exit" | "close"): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once(event, () => resolve());
  });
}

const BWRAP_FLOOR = ["--unshare-pid", "--unshare-net", "--die-with-parent", "--dev-bind", "/", "/"];

function bwrap(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return until(spawn("bwrap", [...BWRAP_FLOOR, ...argv], { stdio: "ignore", env }), "exit");
}

/** What a network-less tool's host runs with (see lib/tools/host.ts). */
const toolEnv = { ...process.env };
delete toolEnv.NODE_EXTRA_CA_CERTS;

type Name =
  | "spawn"
  | "bwrap"
  | "runProcess"
  | "prestarted"
  | "run_command"
  | "node"
  | "node-env"
  | "bwrap-node"
  | "tool-call";
const failures = new Map<Name, number>();
let prestartHits = 0;
let toolHits = 0;
const fail = (name: Name) => failures.set(name, (failures.get(name) ?? 0) + 1);

/** Resolves once the host the tool's next call would find waiting is ready (the call's own rights). */
function hostReady(tool: CallableTool): Promise<void> {
  return prestartHost({
    source: tool.source,
    sha256: tool.sha256,
    subprocess: false,
    request: { mode: "call", args: {} },
    cwd: workspace,
    writeCwd: false,
    network: false,
    env: {},
    timeoutMs: 60_000,
  });
}

const variants: Array<{ name: Name; run: () => Promise<void>; settle?: () => Promise<void> }> = [
  { name: "spawn", run: () => until(spawn("true"), "exit") },
  { name: "bwrap", run: () => bwrap(["true"]) },
  {
    name: "runProcess",
    run: async () => {
      const r = await runProcess({
        command: "true",
        cwd: workspace,
        timeoutMs: 60_000,
        modelCapBytes: 1024 * 1024,
        streamCapBytes: 16 * 1024 * 1024,
        sandbox: { writable: [workspace], network: "policy", workspace },
      });
      if (r.status !== "exited" || r.exitCode !== 0) fail("runProcess");
    },
  },
  {
    name: "prestarted",
    run: async () => {
      const r = await runProcess({
        command: "true",
        // a folder of its own: run_command, next in every round, has a sandbox of its own prestarted
        cwd: prestartCwd,
        timeoutMs: 60_000,
        modelCapBytes: 1024 * 1024,
        streamCapBytes: 16 * 1024 * 1024,
        sandbox: { writable: [workspace], network: "policy", workspace },
        privateTmp: true,
        prestart: true,
      });
      if (r.status !== "exited" || r.exitCode !== 0) fail("prestarted");
      else if (r.prestarted) prestartHits++;
    },
  },
  {
    name: "run_command",
    run: async () => {
      const r = await runCommand.execute({ command: "true" }, context());
      if (r.state !== "completed" || r.exitCode !== 0) fail("run_command");
    },
  },
  { name: "node", run: () => until(spawn(process.execPath, ["-e", "0"], { env: toolEnv }), "exit") },
  { name: "node-env", run: () => until(spawn(process.execPath, ["-e", "0"]), "exit") },
  { name: "bwrap-node", run: () => bwrap([process.execPath, "-e", "0"], toolEnv) },
  {
    name: "tool-call",
    run: async () => {
      const ctx = context();
      const used = prestartStats().used;
      const r = await callAgentTool(
        trivial,
        { text: "hi" },
        {
          workspace,
          signal: ctx.signal,
          secrets: [],
          onOutput: () => {},
          onSpawn: () => {},
        },
      );
      if (r.state !== "completed" || r.output !== "hi") fail("tool-call");
      else if (prestartStats().used > used) toolHits++;
    },
    // the next call's host starts when this one ends; in a turn the model thinks meanwhile, here
    // the next variant would be timed while it starts
    settle: () => hostReady(trivial),
  },
];

const samples = new Map<Name, number[]>(variants.map((v) => [v.name, []]));
console.log(
  `sandbox overhead: n=${N} per variant after ${WARMUP} warm-up rounds (load ${machine().loadavg.join(" ")})`,
);
for (let i = 0; i < WARMUP + N; i++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(k + i) % variants.length];
    if (!v) continue;
    const t0 = performance.now();
    await v.run();
    if (i >= WARMUP) samples.get(v.name)?.push(performance.now() - t0);
    await v.settle?.();
  }
}

/** A tool's first call: a version of its own each time, so no host waits for it. */
const FIRST_CALLS = Math.min(N, 20);
const firstCall: number[] = [];
const firstNode: number[] = [];
for (let i = 0; i < FIRST_CALLS; i++) {
  const source = `${TRIVIAL_SOURCE}\n// first call ${i}`;
  const tool = { ...trivial, source, sha256: sha256(source) };
  const t0 = performance.now();
  const ctx = context();
  const r = await callAgentTool(
    tool,
    { text: "hi" },
    { workspace, signal: ctx.signal, secrets: [], onOutput: () => {}, onSpawn: () => {} },
  );
  firstCall.push(performance.now() - t0);
  if (r.state !== "completed" || r.output !== "hi") fail("tool-call");
  await hostReady(tool);
  const t1 = performance.now();
  await until(spawn(process.execPath, ["-e", "0"], { env: toolEnv }), "exit");
  firstNode.push(performance.now() - t1);
}
const first = { call: summarize(firstCall), node: summarize(firstNode) };

const stats = Object.fromEntries([...samples].map(([name, s]) => [name, summarize(s)])) as Record<
  Name,
  ReturnType<typeof summarize>
>;
/** Median of per-round differences: bwrap and runProcess run back to back, so load drift mostly cancels. */
function pairedP50(a: Name, b: Name): number {
  const left = samples.get(a) ?? [];
  const right = samples.get(b) ?? [];
  return round(summarize(left.map((v, i) => v - (right[i] ?? Number.NaN))).p50);
}
const addedOverBwrap = {
  p50: round(stats.runProcess.p50 - stats.bwrap.p50),
  p90: round(stats.runProcess.p90 - stats.bwrap.p90),
  pairedP50: pairedP50("runProcess", "bwrap"),
};
const toolRatio = {
  vsNode: round(stats["tool-call"].p50 / stats.node.p50, 2),
  firstCallVsNode: round(first.call.p50 / first.node.p50, 2),
  vsBwrapNode: round(stats["tool-call"].p50 / stats["bwrap-node"].p50, 2),
  vsNodeEnv: round(stats["tool-call"].p50 / stats["node-env"].p50, 2),
};
/** What namespaces alone put on top of a Node start. */
const sandboxFloorRatio = round(stats["bwrap-node"].p50 / stats.node.p50, 2);
for (const [name, s] of Object.entries(stats))
  console.log(`  ${name.padEnd(12)} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  max ${ms(s.max)}`);
console.log(
  `sandboxed true through run_command ${ms(stats.run_command.p50)} p50 (goal ≤ ${GOAL_SANDBOXED_TRUE_MS} ms; prestarted runProcess ${ms(stats.prestarted.p50)}, ${prestartHits}/${N + WARMUP} found their sandbox started); a fresh sandbox ${ms(stats.runProcess.p50)}, ${ms(addedOverBwrap.p50)} over bare bwrap (paired ${ms(addedOverBwrap.pairedP50)}); tool call = ${toolRatio.vsNode}× bare node, ${toolRatio.vsBwrapNode}× node in bwrap (goal ≤ ${GOAL_TOOL_RATIO}×; ${toolHits}/${N + WARMUP} found their host waiting); a tool's first call ${ms(first.call.p50)} p50 = ${toolRatio.firstCallVsNode}× bare node (${ms(first.node.p50)}) in its own rounds; node in bwrap alone = ${sandboxFloorRatio}× bare node`,
);
if (failures.size) console.log(`failures: ${JSON.stringify(Object.fromEntries(failures))}`);
const file = writeResult("sandbox-overhead", {
  n: N,
  warmup: WARMUP,
  variants: stats,
  addedOverBwrapMs: addedOverBwrap,
  prestartHits,
  toolHits,
  firstToolCall: first,
  toolCallRatio: toolRatio,
  sandboxFloorRatio,
  nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS !== undefined,
  failures: Object.fromEntries(failures),
  goal: {
    sandboxedTrueMs: GOAL_SANDBOXED_TRUE_MS,
    toolCallRatio: GOAL_TOOL_RATIO,
    sandboxedTrueMet: stats.run_command.p50 <= GOAL_SANDBOXED_TRUE_MS,
    toolMetVsSandboxedNode: toolRatio.vsBwrapNode <= GOAL_TOOL_RATIO,
    toolMetVsBareNode: toolRatio.vsNode <= GOAL_TOOL_RATIO,
  },
});
console.log(`wrote ${path.relative(ROOT, file)}`);
await shutdownSandbox();
process.exit(failures.size ? 1 : 0);
