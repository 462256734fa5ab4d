/**
 * MCP call overhead: one warm `echo` call to the same stdio server (e2e/support/mcp-test-server.mjs),
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/mcp-overhead.ts [--n 300] [--warmup 30]
 *
 * Variants, interleaved round-robin so drift hits them equally:
 *   direct       the MCP SDK's Client over its own StdioClientTransport, the server unsandboxed — the floor
 *   ratchet      lib/mcp: the server in the sandbox (bwrap, proxy, env allowlist), our stdio framing,
 *                the reply read as hostile input (capped, shaped into text)
 *   executeCall  the same through lib/agent's executeCall, as a turn runs it: masking, the part and
 *                event callbacks (no-ops here), the telemetry row queued
 * Goal (issue 17): ratchet ≤ 1.2 × direct at p50, warm.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { startBenchSandbox } from "./support/sandbox";
import { deadline, machine, ms, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: { n: { type: "string", default: "300" }, warmup: { type: "string", default: "30" } },
});
const N = Math.max(1, Number.parseInt(values.n, 10));
const WARMUP = Math.max(0, Number.parseInt(values.warmup, 10));
const GOAL_RATIO = 1.2;

deadline(140_000, "mcp-overhead");

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-mcp-"));
const workspace = path.join(dataDir, "workspace");
const serverDir = path.join(dataDir, "server");
mkdirSync(workspace);
mkdirSync(serverDir);
const serverFile = path.join(serverDir, "mcp-test-server.mjs");
copyFileSync(path.join(ROOT, "e2e/support/mcp-test-server.mjs"), serverFile);
process.env.RATCHET_DATA_DIR = dataDir;
process.env.RATCHET_WORKSPACE = workspace;
delete process.env.DATABASE_URL;
execFileSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], {
  cwd: ROOT,
  env: process.env,
  stdio: "pipe",
});

const { dbReady } = await import("../lib/db/client");
const { addServer, approveServer } = await import("../lib/mcp/service");
const { sessionMcpTools, stopAllMcp } = await import("../lib/mcp/sessions");
const { executeCall } = await import("../lib/agent/tool-call");
const { flushTelemetry } = await import("../lib/telemetry/recorder");
const { createSession, startTurn } = await import("../lib/db/queries/sessions");

await dbReady();
await startBenchSandbox({
  dataDir,
  settings: { readPaths: [serverDir], envNames: [], privateNetworks: [] },
});

const direct = new Client({ name: "bench", version: "1" });
await direct.connect(
  new StdioClientTransport({ command: process.execPath, args: [serverFile], cwd: workspace }),
);

const view = await addServer({
  name: "bench",
  transport: "stdio",
  command: "node",
  args: [serverFile],
  env: [],
});
await approveServer("bench", view.toolsSha256 ?? "", "bench");
const tools = await sessionMcpTools("bench-session", workspace);
const echo = tools.find((t) => t.name === "bench__echo");
if (!echo) throw new Error(`bench__echo not offered: ${view.error ?? ""}`);

const session = await createSession({ title: "bench", workspace, budgetUsd: null, model: "bench" });
const turn = await startTurn(session.id);
let seq = 0;
const deps = {
  sessionId: session.id,
  turnId: turn.id,
  secrets: ["sk-bench-secret-0123456789abcdef"],
  emit: async () => {},
  addToolPart: async () => async () => {},
  context: () => {
    throw new Error("unused");
  },
};

const VARIANTS: Record<string, () => Promise<void>> = {
  direct: async () => {
    await direct.callTool({ name: "echo", arguments: { text: "hello" } });
  },
  ratchet: async () => {
    const out = await echo.call(
      { text: "hello" },
      { signal: new AbortController().signal, timeoutMs: 10_000 },
    );
    if (out.state !== "completed") throw new Error(out.output);
  },
  executeCall: async () => {
    await executeCall(
      deps,
      {
        tool: echo.name,
        version: "mcp:bench",
        input: { text: "hello" },
        summary: "hello",
        run: (signal) => echo.call({ text: "hello" }, { signal, timeoutMs: 10_000 }),
      },
      `call_${++seq}`,
      new AbortController().signal,
    );
  },
};

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
for (let i = 0; i < WARMUP + N; i++) {
  for (const [name, run] of Object.entries(VARIANTS)) {
    const started = performance.now();
    await run();
    if (i >= WARMUP) samples[name]?.push(performance.now() - started);
  }
}
await flushTelemetry();
await direct.close();
await stopAllMcp();

const stats = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
const p50 = (k: string) => stats[k]?.p50 ?? Number.NaN;
const ratio = round(p50("ratchet") / p50("direct"));
const ratioExecute = round(p50("executeCall") / p50("direct"));
for (const [name, s] of Object.entries(stats))
  console.log(`${name.padEnd(12)} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}`);
console.log(`ratchet / direct at p50: ${ratio} (executeCall ${ratioExecute}); goal ≤ ${GOAL_RATIO}`);
const file = writeResult("mcp-overhead", {
  n: N,
  warmup: WARMUP,
  variants: stats,
  ratio,
  ratioExecuteCall: ratioExecute,
  goal: { ratio: GOAL_RATIO, met: ratio <= GOAL_RATIO },
  machine: machine(),
});
console.log(`wrote ${file}`);
process.exit(0);
