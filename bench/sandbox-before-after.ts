/**
 * A sandboxed `true` before and after a change of lib/sandbox, in one process and one run: the
 * earlier lib/sandbox is taken from git (`--before`, default the merge base with main) into
 * bench/results/, and its runProcess and today's run interleaved with the bare-bwrap floor, so a
 * shared machine's load hits all of them alike. Ratios to the floor are what to compare between runs.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/sandbox-before-after.ts [--before <rev>] [--n 40] [--warmup 5]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startBenchSandbox } from "./support/sandbox";
import { machine, ms, RESULTS_DIR, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    n: { type: "string", default: "40" },
    warmup: { type: "string", default: "5" },
  },
});
const N = Math.max(1, Number.parseInt(values.n, 10));
const WARMUP = Math.max(0, Number.parseInt(values.warmup, 10));
const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
const before = git("rev-parse", "--short", values.before ?? git("merge-base", "HEAD", "main"));

// the earlier modules, inside the checkout so their imports (zod, @/lib/…) resolve as today's do
const oldRoot = path.join(RESULTS_DIR, `before-${before}`);
const oldSandbox = path.join(oldRoot, "lib", "sandbox");
mkdirSync(oldSandbox, { recursive: true });
for (const file of git("ls-tree", "--name-only", before, "lib/sandbox/").split("\n")) {
  if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
  writeFileSync(path.join(oldRoot, file), git("show", `${before}:${file}`));
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-ab-"));
const workspace = path.join(dataDir, "workspace");
mkdirSync(workspace);

type RunProcess = typeof import("../lib/sandbox").runProcess;
const today = await import("../lib/sandbox");
const earlier = (await import(path.join(oldSandbox, "index.ts"))) as { runProcess: RunProcess };
// one runtime per process (lib/process-state): the earlier copy runs in the one started here
await startBenchSandbox({ dataDir });

function until(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
}

function sandboxedTrue(run: RunProcess, network: "none" | "policy"): () => Promise<void> {
  return async () => {
    const r = await run({
      command: "true",
      cwd: workspace,
      timeoutMs: 60_000,
      modelCapBytes: 1024 * 1024,
      streamCapBytes: 16 * 1024 * 1024,
      sandbox: { writable: [workspace], network, workspace },
    });
    if (r.status !== "exited" || r.exitCode !== 0) throw new Error(`failed: ${JSON.stringify(r)}`);
  };
}

type Name = "bwrap" | "before" | "after" | "before-none" | "after-none";
const variants: Array<{ name: Name; run: () => Promise<void> }> = [
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
      ),
  },
  { name: "before", run: sandboxedTrue(earlier.runProcess, "policy") },
  { name: "after", run: sandboxedTrue(today.runProcess, "policy") },
  { name: "before-none", run: sandboxedTrue(earlier.runProcess, "none") },
  { name: "after-none", run: sandboxedTrue(today.runProcess, "none") },
];

const samples = new Map<Name, number[]>(variants.map((v) => [v.name, []]));
console.log(
  `sandboxed true, ${before} against today: n=${N} after ${WARMUP} warm-up rounds (load ${machine().loadavg.join(" ")})`,
);
for (let i = 0; i < WARMUP + N; i++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(k + i) % variants.length];
    if (!v) continue;
    const t0 = performance.now();
    await v.run();
    if (i >= WARMUP) samples.get(v.name)?.push(performance.now() - t0);
  }
}
const stats = Object.fromEntries([...samples].map(([name, s]) => [name, summarize(s)])) as Record<
  Name,
  ReturnType<typeof summarize>
>;
const floor = stats.bwrap.p50;
const ratios = Object.fromEntries(
  Object.entries(stats).map(([name, s]) => [name, round(s.p50 / floor, 2)]),
) as Record<Name, number>;
/** Median of per-round after/before: the two ran back to back, so drift mostly cancels. */
const after = samples.get("after") ?? [];
const paired = round(summarize(after.map((v, i) => v / (samples.get("before")?.[i] ?? Number.NaN))).p50, 2);
for (const [name, s] of Object.entries(stats))
  console.log(
    `  ${name.padEnd(12)} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  ${ratios[name as Name]}× the bwrap floor`,
  );
console.log(`after / before, paired per round: ${paired}×`);
const file = writeResult("sandbox-before-after", {
  before,
  n: N,
  warmup: WARMUP,
  variants: stats,
  ratios,
  paired,
});
console.log(`wrote ${path.relative(ROOT, file)}`);
process.exit(0);
