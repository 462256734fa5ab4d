// Runs the benchmarks one after another and prints a summary; results land in bench/results/*.json.
//   npm run bench                         all three
//   npm run bench -- firehose             only the named ones (run-command-overhead, mcp-overhead, token-to-screen, firehose,
//                                         telemetry-record, telemetry-page, telemetry-page-js, turn-start, peer-opencode)
//   npm run bench -- --build              rebuild the app first (otherwise an existing .next build is used)
// Figures and how to read them: docs/benchmarks.md.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules/.bin/tsx");

const BENCHMARKS = [
  // --conditions=react-server: `import "server-only"` (lib/db/client.ts) resolves to its empty module, as in Next's server bundle.
  {
    name: "run-command-overhead",
    args: ["--conditions=react-server", "bench/run-command-overhead.ts"],
    needsBuild: false,
  },
  {
    name: "sandbox-overhead",
    args: ["--conditions=react-server", "bench/sandbox-overhead.ts"],
    needsBuild: false,
  },
  {
    name: "mcp-overhead",
    args: ["--conditions=react-server", "bench/mcp-overhead.ts"],
    needsBuild: false,
  },
  {
    name: "checkpoints",
    args: ["--conditions=react-server", "bench/checkpoints.ts"],
    needsBuild: false,
  },
  {
    name: "evaluation-copy",
    args: ["--conditions=react-server", "bench/evaluation-copy.ts"],
    needsBuild: false,
  },
  { name: "token-to-screen", args: ["bench/token-to-screen.ts"], needsBuild: true },
  { name: "firehose", args: ["bench/firehose.ts"], needsBuild: true },
  {
    name: "telemetry-record",
    args: ["--conditions=react-server", "bench/telemetry-record.ts"],
    needsBuild: false,
  },
  // seeds 1M calls into a temp SQLite file on its first run (≈ 1.5 min), then reuses it
  {
    name: "telemetry-page",
    args: ["--conditions=react-server", "bench/telemetry-page.ts"],
    needsBuild: false,
    backstopMs: 15 * 60_000,
    result: "telemetry-page-sqlite",
  },
  { name: "telemetry-page-js", args: ["bench/telemetry-page-js.ts"], needsBuild: true },
  // seeds 1M calls into a temp SQLite file on its first run (≈ 3 min), then reuses it; waits out 65 s idles
  { name: "turn-start", args: ["bench/turn-start.ts"], needsBuild: true, backstopMs: 20 * 60_000 },
  // installs opencode from npm into a temp dir (≈ 200 MB download), then 50 turns each and 12 cold starts each
  { name: "peer-opencode", args: ["bench/peer-opencode.ts"], needsBuild: true, backstopMs: 20 * 60_000 },
];
/** Each benchmark stops itself in under 2 minutes; this is only a backstop. */
const BACKSTOP_MS = 150_000;

const argv = process.argv.slice(2);
const build = argv.includes("--build");
const names = argv.filter((a) => !a.startsWith("--"));
const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`,
  );
  process.exit(2);
}
const selected = BENCHMARKS.filter((b) => names.length === 0 || names.includes(b.name));

function run(command, args, env = process.env, backstopMs = BACKSTOP_MS) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env });
    const backstop = setTimeout(() => child.kill("SIGTERM"), backstopMs);
    child.on("exit", (code, signal) => {
      clearTimeout(backstop);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

if (selected.some((b) => b.needsBuild)) {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (build || !existsSync(buildId)) {
    console.log("bench: building the app (next build)…");
    const code = await run(path.join(root, "node_modules/.bin/next"), ["build"], {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
    });
    if (code !== 0) process.exit(code);
  } else {
    console.log(`bench: using the existing build in .next (pass --build to rebuild)`);
  }
}

const failed = [];
for (const bench of selected) {
  console.log(`\n=== ${bench.name} ===`);
  const started = Date.now();
  const code = await run(tsx, bench.args, process.env, bench.backstopMs ?? BACKSTOP_MS);
  console.log(
    `=== ${bench.name}: ${code === 0 ? "done" : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (code !== 0) failed.push(bench.name);
}

function read(name) {
  try {
    return JSON.parse(readFileSync(path.join(root, "bench/results", `${name}.json`), "utf8"));
  } catch {
    return null;
  }
}

console.log("\nsummary (bench/results/*.json):");
for (const bench of selected) {
  const r = read(bench.result ?? bench.name);
  if (!r || failed.includes(bench.name)) {
    console.log(`  ${bench.name}: no result`);
    continue;
  }
  if (bench.name === "run-command-overhead") {
    const v = r.variants;
    console.log(
      `  run_command(true) p50 ${v.tool.p50} ms vs spawn ${v.spawn.p50} ms, runProcess ${v.runProcess.p50} ms → +${r.addedOverSpawnMs.p50} ms (goal ≤ ${r.goal.addedOverSpawnMs}: ${r.goal.met ? "met" : "missed"})`,
    );
  } else if (bench.name === "checkpoints") {
    const [generated, ratchet] = r.runs;
    console.log(
      `  checkpoint step p50 ${generated.step.p50} ms (${r.files} files; this repo ${ratchet.step.p50} ms; goal ≤ ${r.goal.stepP50Ms}), first snapshot ${generated.firstMs} ms (goal ≤ ${r.goal.firstMs}), 1k-file changes ${r.changes.ratio}× git status + diff (goal ≤ ${r.goal.changesRatio}×)`,
    );
  } else if (bench.name === "evaluation-copy") {
    console.log(
      `  evaluation: scratch copy of ${r.files} files p50 ${r.copy.p50} ms (plain git ${r.floor.p50} ms), check ${r.check.p50} ms, remove ${r.remove.p50} ms`,
    );
  } else if (bench.name === "sandbox-overhead") {
    const v = r.variants;
    console.log(
      `  sandboxed true p50 ${v.runProcess.p50} ms (goal ≤ ${r.goal.sandboxedTrueMs}) vs bare bwrap ${v.bwrap.p50} ms → +${r.addedOverBwrapMs.p50} ms; tool call ${v["tool-call"].p50} ms = ${r.toolCallRatio.vsBwrapNode}× node in bwrap, ${r.toolCallRatio.vsNode}× bare node (goal ≤ ${r.goal.toolCallRatio}×)`,
    );
  } else if (bench.name === "token-to-screen") {
    console.log(
      `  token → screen p50 ${r.latency.p50} ms, p95 ${r.latency.p95} ms, max ${r.latency.max} ms (goal p95 ≤ ${r.goal.p95Ms}: ${r.goal.met ? "met" : "missed"})`,
    );
  } else if (bench.name === "telemetry-record") {
    console.log(
      `  record a tool call: batched +${r.addedMs.batched.p50} ms p50 (CPU +${r.addedMs.batched.cpu} ms/call) vs direct Prisma create +${r.addedMs.direct.p50} ms (goal ≤ ${r.goal.addedMs} ms: ${r.goal.met ? "met" : "missed"})`,
    );
  } else if (bench.name === "telemetry-page") {
    console.log(
      `  telemetry page at ${r.calls} calls (${r.provider}): warm p50 ${r.appWarmMs.wall.p50} ms, cold ${r.appColdMs.wall} ms, floor ${r.floorMs.wall.p50} ms → warm ${r.ratio.warmToFloor}×, cold ${r.ratio.coldToFloor}× (goal ≤ ${r.goal.ms} ms and ≤ ${r.goal.ratio}×: warm ${r.goal.warmMet ? "met" : "missed"})`,
    );
  } else if (bench.name === "telemetry-page-js") {
    console.log(
      `  telemetry page JS: first load ${r.firstLoad.gzipKB} KB gzipped, charts later ${r.lazy.gzipKB} KB (goal ≤ ${r.goal.firstLoadGzipKB} KB: ${r.goal.met ? "met" : "missed"})`,
    );
  } else if (bench.name === "turn-start") {
    for (const [name, s] of Object.entries(r.scenarios)) {
      console.log(
        `  turn start (${name}): POST p50 ${s.post.p50} ms, POST → model request p50 ${s.toModel.p50} ms, p95 ${s.toModel.p95} ms; floor ≈ ${s.floor.p50Sum} ms`,
      );
    }
  } else if (bench.name === "peer-opencode") {
    const t = r.targets;
    const row = (name) =>
      `message → model ${t[name].toModel.p50} ms, tool step ${t[name].toolStep.p50} ms, RSS ${t[name].rssMiBAfterTurns} MiB`;
    console.log(`  Ratchet sandbox on: ${row("ratchet-sandbox-on")}`);
    console.log(`  Ratchet sandbox off: ${row("ratchet-sandbox-off")}`);
    console.log(`  opencode ${r.opencode.version}: ${row("opencode")}`);
    console.log(
      `  cold start p50 Ratchet ${r.coldStartMs.ratchet.p50} ms (next start alone ${r.coldStartMs.nextStart.p50} ms), opencode ${r.coldStartMs.opencode.p50} ms (${r.ratios.coldStart}×, goal ≤ ${r.goal.coldStart}×); sandboxed tool step ${r.ratios.toolStep.sandboxOn}× opencode's (goal ≤ ${r.goal.toolStepSandboxOn}×)`,
    );
  } else if (bench.name === "firehose") {
    console.log(
      `  firehose ${r.app.MBps} MB/s vs xterm floor ${r.floor.MBps} MB/s (×${r.app.ratioToFloor}), max frame gap ${r.app.maxFrameGapMs} ms, typing p95 ${r.app.typingLatencyMs.p95} ms, complete ${r.complete}`,
    );
  }
}
process.exit(failed.length > 0 ? 1 : 0);
