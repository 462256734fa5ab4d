/**
 * Checkpoints (issue 18): what recording a workspace costs per step, and what the Changes panel's
 * diff costs, against git itself on the same tree.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/checkpoints.ts [--files 10000] [--n 30]
 *
 * Workspaces: a generated repository of --files small files in nested folders, and a copy of this
 * repository (`git archive HEAD`). Measured, each in the real sandbox (lib/sandbox/isolated.ts):
 *   first        the first snapshot of a workspace (every file hashed), against the floor: native
 *                `git add -A` + `write-tree` of the same files into a fresh repository, unsandboxed
 *   step         a snapshot after a step changed 3 files (the per-step cost; goal ≤ 50 ms p50),
 *                against the floor: native `ls-files --others` + `add -A` + `write-tree` of that step
 *   unchanged    a snapshot after a step that wrote nothing
 *   changes-1k   changesBetween() for a turn that changed 1,000 files, against the floor: native
 *                `git status --porcelain` + `git diff` of the same change (goal ≤ 1.5×)
 *   panel-1k     what the Changes panel asks for on that turn: the list without diffs
 *                (`summary=1`), then one file's diff with both sides (`path=`)
 * Goals: step ≤ 50 ms p50; first snapshot of 10k files ≤ 1 s.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { changesBetween, fileChangeBetween, snapshot, storeFor } from "../lib/checkpoints/store";
import { initSandbox } from "../lib/sandbox/sandbox-runtime";
import { deadline, machine, ms, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: { files: { type: "string", default: "10000" }, n: { type: "string", default: "30" } },
});
const FILES = Number.parseInt(values.files, 10);
const N = Number.parseInt(values.n, 10);
deadline(15 * 60_000, "checkpoints");

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-checkpoints-"));
const dataDir = path.join(root, "data");
const status = await initSandbox({
  locations: {
    dataDir,
    appDir: ROOT,
    toolsDir: path.join(root, "tools"),
    skillsDir: path.join(root, "skills"),
  },
  network: { mode: "none" },
  disabled: false,
});
if (status.mode !== "on") throw new Error(`sandbox unavailable: ${status.reason}`);

function generated(dir: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `src/m${i % 50}/d${i % 7}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `f${i}.ts`), `export const v${i} = ${i};\n${"// filler line\n".repeat(20)}`);
  }
}

function gitCmd(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", ...args], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

/** The same git work as a snapshot, run natively into a store of its own: what git alone costs. */
function nativeGit(dir: string, gitDir: string, ...args: string[]): void {
  execFileSync("git", args, {
    cwd: dir,
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: "/nonexistent",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_DIR: gitDir,
      GIT_WORK_TREE: dir,
      GIT_INDEX_FILE: path.join(gitDir, "index-native"),
    },
    stdio: ["ignore", "ignore", "ignore"],
    maxBuffer: 512 * 1024 * 1024,
  });
}

function nativeStep(dir: string, gitDir: string): number {
  const t0 = performance.now();
  nativeGit(dir, gitDir, "ls-files", "-z", "--others", "--exclude-standard");
  nativeGit(dir, gitDir, "add", "-A", ".");
  nativeGit(dir, gitDir, "write-tree");
  return performance.now() - t0;
}

async function measure(label: string, dir: string) {
  const store = storeFor(dataDir, dir);
  const [first, base] = await time(() => snapshot(store, "bench", null, "first"));
  // the floor: the same files into a fresh native repository, with the store's settings
  const native = path.join(root, `native-${label}`);
  nativeGit(dir, native, "init", "-q");
  nativeGit(dir, native, "config", "feature.manyFiles", "true");
  const t0 = performance.now();
  nativeGit(dir, native, "add", "-A", ".");
  nativeGit(dir, native, "write-tree");
  const firstFloor = performance.now() - t0;
  let parent = base;
  const step: number[] = [];
  const stepFloor: number[] = [];
  const unchanged: number[] = [];
  const ours = async (i: number) => {
    for (let k = 0; k < 3; k++) writeFileSync(path.join(dir, `step-${k}.txt`), `round ${i}\n`);
    const [t, snap] = await time(() => snapshot(store, "bench", parent, "step"));
    step.push(t);
    parent = snap;
    const [u] = await time(() => snapshot(store, "bench", parent, "step"));
    unchanged.push(u);
  };
  const floorStep = (i: number) => {
    for (let k = 0; k < 3; k++) writeFileSync(path.join(dir, `step-${k}.txt`), `floor ${i}\n`);
    stepFloor.push(nativeStep(dir, native));
  };
  for (let i = 0; i < N; i++) {
    // every other round the floor goes first: whichever runs second finds every file's metadata
    // freshly cached by the first
    if (i % 2 === 0) {
      await ours(i);
      floorStep(i);
    } else {
      floorStep(i);
      await ours(i);
    }
    // back to what the store last recorded, so the next round changes the same 3 files again
    for (let k = 0; k < 3; k++) writeFileSync(path.join(dir, `step-${k}.txt`), `round ${i}\n`);
  }
  return {
    label,
    firstMs: round(first),
    firstFloorMs: round(firstFloor),
    step: summarize(step),
    stepFloor: summarize(stepFloor),
    unchanged: summarize(unchanged),
    store,
    parent,
  };
}

// a generated repository, then this one
const big = path.join(root, "generated");
mkdirSync(big);
generated(big, FILES);
const repo = path.join(root, "ratchet");
mkdirSync(repo);
execFileSync("sh", ["-c", `git -C '${ROOT}' archive HEAD | tar -x -C '${repo}'`]);

console.log(`checkpoints: ${FILES} generated files, n=${N} (load ${machine().loadavg.join(" ")})`);
const results = [];
for (const [label, dir] of [
  ["generated", big],
  ["ratchet", repo],
] as const) {
  const r = await measure(label, dir);
  console.log(
    `  ${label.padEnd(10)} first ${ms(r.firstMs)} (native ${ms(r.firstFloorMs)})  step p50 ${ms(r.step.p50)} p90 ${ms(r.step.p90)} (native p50 ${ms(r.stepFloor.p50)})  unchanged p50 ${ms(r.unchanged.p50)}`,
  );
  results.push(r);
}

// a turn that changed 1,000 files: the changes view against native git on the same change
const generatedRun = results[0];
if (!generatedRun) throw new Error("no generated run");
gitCmd(big, "init", "-q");
gitCmd(big, "add", "-A");
gitCmd(big, "commit", "-qm", "base");
for (let i = 0; i < 1000; i++) {
  const sub = path.join(big, `src/m${i % 50}/d${i % 7}`);
  writeFileSync(
    path.join(sub, `f${i}.ts`),
    `export const v${i} = ${i + 1};\n${"// filler line\n".repeat(20)}`,
  );
}
const before = generatedRun.parent;
const after = await snapshot(generatedRun.store, "bench", before, "1k");
const ours: number[] = [];
const floor: number[] = [];
for (let i = 0; i < Math.max(5, Math.floor(N / 3)); i++) {
  const [t, files] = await time(() => changesBetween(generatedRun.store, before.commit, after.commit));
  if (files.length < 1000) throw new Error(`expected ≥ 1000 changed files, got ${files.length}`);
  ours.push(t);
  const t0 = performance.now();
  gitCmd(big, "status", "--porcelain");
  gitCmd(big, "diff");
  floor.push(performance.now() - t0);
}
// the panel: the list without diffs, then the first file with both sides
const list: number[] = [];
const one: number[] = [];
for (let i = 0; i < Math.max(5, Math.floor(N / 3)); i++) {
  const [t, files] = await time(() =>
    changesBetween(generatedRun.store, before.commit, after.commit, { patch: false }),
  );
  list.push(t);
  const first = files[0];
  if (!first) throw new Error("no changed file");
  const [u] = await time(() =>
    fileChangeBetween(generatedRun.store, before.commit, after.commit, first.path),
  );
  one.push(u);
}
const panel = { list: summarize(list), file: summarize(one) };
console.log(`  panel-1k   list p50 ${ms(panel.list.p50)}  one file p50 ${ms(panel.file.p50)}`);

const changes = {
  ours: summarize(ours),
  floor: summarize(floor),
  ratio: round(summarize(ours).p50 / summarize(floor).p50, 2),
};
console.log(
  `  changes-1k ours p50 ${ms(changes.ours.p50)} vs git status + diff ${ms(changes.floor.p50)} = ${changes.ratio}×`,
);

const file = writeResult("checkpoints", {
  files: FILES,
  n: N,
  runs: results.map(({ store: _s, parent: _p, ...r }) => r),
  changes,
  panel,
  goal: {
    stepP50Ms: 50,
    firstMs: 1000,
    changesRatio: 1.5,
    stepMet: results.every((r) => r.step.p50 <= 50),
    firstMet: generatedRun.firstMs <= 1000,
    changesMet: changes.ratio <= 1.5,
  },
});
console.log(`wrote ${path.relative(ROOT, file)}`);
process.exit(0);
