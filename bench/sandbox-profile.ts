/**
 * Where a sandboxed command's time goes: the stages of `runProcess` timed one by one, each next to
 * the floor (bare bwrap) in the same round, so a shared machine's drift hits them alike.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/sandbox-profile.ts [--n 40] [--warmup 5]
 *
 * Stages:
 *   bwrap        `bwrap --unshare-pid --unshare-net --dev-bind / / true` — the floor
 *   prepare      prepareSandboxed + finish of run_command's spec without running anything: verified
 *                descriptors, the workspace guard's snapshot and check, home, proxy listener
 *   cap          a pids group created, a shell moving itself in (cgroup v1; by pid on v2), removed
 *   cap-by-pid   the same with the join by pid that every command paid before issue 20
 *   view-none    runProcess of `true` with network "none": no proxy, no bridge
 *   view-policy  runProcess of `true` with network "policy": the proxy and the in-sandbox bridge
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startBenchSandbox } from "./support/sandbox";
import { machine, ms, ROOT, summarize } from "./support/stats";

const { values } = parseArgs({
  options: { n: { type: "string", default: "40" }, warmup: { type: "string", default: "5" } },
});
const N = Math.max(1, Number.parseInt(values.n, 10));
const WARMUP = Math.max(0, Number.parseInt(values.warmup, 10));

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-profile-"));
const workspace = path.join(dataDir, "workspace");
mkdirSync(workspace);

const { runProcess } = await import("../lib/sandbox");
const { prepareSandboxed } = await import("../lib/sandbox/prepare");
const { readyRuntime } = await import("../lib/sandbox/sandbox-runtime");
const { createTaskCap } = await import("../lib/sandbox/task-cap");

await startBenchSandbox({ dataDir });
const runtime = readyRuntime();
if (!runtime) {
  console.error("sandbox unavailable: no runtime after it started");
  process.exit(2);
}

function until(child: ChildProcess, event: "exit" | "close"): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once(event, () => resolve());
  });
}

async function sandboxedTrue(network: "none" | "policy"): Promise<void> {
  const r = await runProcess({
    command: "true",
    cwd: workspace,
    timeoutMs: 60_000,
    modelCapBytes: 1024 * 1024,
    streamCapBytes: 16 * 1024 * 1024,
    sandbox: { writable: [workspace], network, workspace },
  });
  if (r.status !== "exited" || r.exitCode !== 0) throw new Error(`failed: ${JSON.stringify(r)}`);
}

const stages: Array<{ name: string; run: () => Promise<void> }> = [
  {
    name: "bwrap",
    run: () =>
      until(
        spawn("bwrap", [
          "--unshare-pid",
          "--unshare-net",
          "--die-with-parent",
          "--dev-bind",
          "/",
          "/",
          "true",
        ]),
        "exit",
      ),
  },
  {
    name: "prepare",
    run: async () => {
      const prepared = await prepareSandboxed(
        {
          command: "true",
          cwd: workspace,
          spec: { writable: [workspace], network: "policy", workspace },
          env: {},
          marker: "profile",
        },
        runtime,
      );
      await prepared.finish();
    },
  },
  {
    // the join as run-process.ts does it: the shell moves itself (v1), or is moved by pid (v2)
    name: "cap",
    run: async () => {
      const cap = createTaskCap(512);
      const self = cap?.selfJoinFile;
      const child = spawn("bash", ["-c", self ? `echo 0 >'${self}'` : "sleep 10"], { stdio: "ignore" });
      if (cap && !self && child.pid) await cap.join(child.pid);
      if (!self) child.kill("SIGKILL");
      await until(child, "exit");
      await cap?.killAll();
      void cap?.release();
    },
  },
  {
    name: "cap-by-pid",
    run: async () => {
      const cap = createTaskCap(512);
      const child = spawn("sleep", ["10"], { stdio: "ignore" });
      if (cap && child.pid) await cap.join(child.pid);
      child.kill("SIGKILL");
      await until(child, "exit");
      await cap?.killAll();
      void cap?.release();
    },
  },
  { name: "view-none", run: () => sandboxedTrue("none") },
  { name: "view-policy", run: () => sandboxedTrue("policy") },
];

const samples = new Map<string, number[]>(stages.map((s) => [s.name, []]));
console.log(`sandbox profile: n=${N} after ${WARMUP} warm-up rounds (load ${machine().loadavg.join(" ")})`);
for (let i = 0; i < WARMUP + N; i++) {
  for (let k = 0; k < stages.length; k++) {
    const stage = stages[(k + i) % stages.length];
    if (!stage) continue;
    const t0 = performance.now();
    await stage.run();
    if (i >= WARMUP) samples.get(stage.name)?.push(performance.now() - t0);
  }
}
const floor = summarize(samples.get("bwrap") ?? []).p50;
for (const [name, s] of samples) {
  const sum = summarize(s);
  console.log(
    `  ${name.padEnd(12)} p50 ${ms(sum.p50)}  p90 ${ms(sum.p90)}  ${(sum.p50 / floor).toFixed(2)}× the bwrap floor`,
  );
}
process.exit(0);
