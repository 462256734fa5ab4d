/**
 * A checkpoint before and after a change of lib/checkpoints/store.ts, in one process and one run:
 * the earlier store (`--before`, default the merge base with main) is taken from git into
 * bench/results/, and its snapshot, today's and the native floor (the same git work unsandboxed,
 * into a store of its own with the same settings) are interleaved, their order rotated each round,
 * so a shared machine's load hits all three alike. Ratios to the floor are what to compare.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/checkpoints-before-after.ts \
 *     [--before <rev>] [--files 10000] [--n 20] [--first 4]
 *
 *   first   the first snapshot of a workspace of --files generated files, each into a new store
 *   step    a snapshot after 3 files changed (the goal: ≤ 50 ms p50 on a quiet machine)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startBenchSandbox } from "./support/sandbox";
import { deadline, machine, ms, RESULTS_DIR, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    files: { type: "string", default: "10000" },
    n: { type: "string", default: "20" },
    first: { type: "string", default: "4" },
  },
});
const FILES = Number.parseInt(values.files, 10);
const N = Math.max(1, Number.parseInt(values.n, 10));
const FIRST = Math.max(1, Number.parseInt(values.first, 10));
deadline(20 * 60_000, "checkpoints-before-after");
const repoGit = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
const before = repoGit("rev-parse", "--short", values.before ?? repoGit("merge-base", "HEAD", "main"));

// the earlier store, inside the checkout so its imports (@/lib/…) resolve as today's do
const oldRoot = path.join(RESULTS_DIR, `before-${before}`);
mkdirSync(path.join(oldRoot, "lib", "checkpoints"), { recursive: true });
for (const file of ["lib/checkpoints/store.ts", "lib/checkpoints/git.ts"])
  writeFileSync(path.join(oldRoot, file), repoGit("show", `${before}:${file}`));
type Store = typeof import("../lib/checkpoints/store");
const today: Store = await import("../lib/checkpoints/store");
const earlier = (await import(path.join(oldRoot, "lib/checkpoints/store.ts"))) as Store;

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-checkpoints-ab-"));
await startBenchSandbox({
  dataDir: path.join(root, "data"),
  toolsDir: path.join(root, "tools"),
  skillsDir: path.join(root, "skills"),
  network: { mode: "none" },
});

const dir = path.join(root, "ws");
for (let i = 0; i < FILES; i++) {
  const sub = path.join(dir, `src/m${i % 50}/d${i % 7}`);
  mkdirSync(sub, { recursive: true });
  writeFileSync(path.join(sub, `f${i}.ts`), `export const v${i} = ${i};\n${"// filler line\n".repeat(20)}`);
}

// the files each step changes are there from the start: a step changes 3 tracked files
for (let k = 0; k < 3; k++) writeFileSync(path.join(dir, `step-${k}.txt`), "start\n");

function nativeGit(gitDir: string, ...args: string[]): void {
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

type Variant = "before" | "after" | "native";
const VARIANTS: Variant[] = ["before", "after", "native"];
const rotated = (round: number) => VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
const samples = (): Record<Variant, number[]> => ({ before: [], after: [], native: [] });

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

console.log(
  `checkpoints before (${before}) / after: ${FILES} files, first n=${FIRST}, step n=${N} (load ${machine().loadavg.join(" ")})`,
);

// first snapshots, each into a new store; the native store is created (untimed) with the same settings
const first = samples();
const last: Partial<
  Record<Variant, { store: ReturnType<Store["storeFor"]>; snap: { commit: string; tree: string } }>
> = {};
let nativeDir = "";
for (let r = 0; r < FIRST; r++) {
  for (const v of rotated(r)) {
    // the previous store's loose objects written out first: each sample starts from a clean disk
    execFileSync("sync");
    if (v === "native") {
      nativeDir = path.join(root, `native-${r}`);
      nativeGit(nativeDir, "init", "-q");
      nativeGit(nativeDir, "config", "feature.manyFiles", "true");
      nativeGit(nativeDir, "config", "core.bigFileThreshold", "1m");
      first.native.push(
        await time(() => {
          nativeGit(nativeDir, "add", "-A", ".");
          nativeGit(nativeDir, "write-tree");
        }),
      );
      continue;
    }
    const impl = v === "before" ? earlier : today;
    const store = impl.storeFor(path.join(root, `data-${v}-${r}`), dir);
    let snap: { commit: string; tree: string } | undefined;
    first[v].push(
      await time(async () => {
        snap = await impl.snapshot(store, "bench", null, "first");
      }),
    );
    if (!snap) throw new Error("no snapshot");
    last[v] = { store, snap };
    if (r < FIRST - 1) rmSync(path.dirname(store.gitDir), { recursive: true, force: true });
  }
}

// steps: each variant changes the same 3 files to contents of its own, then records them
const step = samples();
// the floor for today's sequence too: when nothing new is listed, native `add -u` instead of `add -A`
const nativeU: number[] = [];
execFileSync("cp", ["-a", nativeDir, `${nativeDir}-u`]);
// what the namespace alone costs: the same isolated run (store writable, workspace read-only) of `true`
const namespace: number[] = [];
const { git } = await import("../lib/checkpoints/git");
for (let r = 0; r < N; r++) {
  const ns = last.after?.store;
  if (ns)
    namespace.push(await time(() => git({ gitDir: ns.gitDir, workTree: dir, shell: "true", args: [] })));
  for (const v of rotated(r)) {
    for (let k = 0; k < 3; k++) writeFileSync(path.join(dir, `step-${k}.txt`), `${v} round ${r}\n`);
    if (v === "native") {
      for (let k = 0; k < 3; k++) writeFileSync(path.join(dir, `step-${k}.txt`), `native-u round ${r}\n`);
      nativeU.push(
        await time(() => {
          nativeGit(`${nativeDir}-u`, "ls-files", "-z", "--others", "--exclude-standard");
          nativeGit(`${nativeDir}-u`, "add", "-u");
          nativeGit(`${nativeDir}-u`, "write-tree");
        }),
      );
      for (let k = 0; k < 3; k++) writeFileSync(path.join(dir, `step-${k}.txt`), `${v} round ${r}\n`);
      step.native.push(
        await time(() => {
          nativeGit(nativeDir, "ls-files", "-z", "--others", "--exclude-standard");
          nativeGit(nativeDir, "add", "-A", ".");
          nativeGit(nativeDir, "write-tree");
        }),
      );
      continue;
    }
    const impl = v === "before" ? earlier : today;
    const prev = last[v];
    if (!prev) throw new Error("no first snapshot");
    let snap: { commit: string; tree: string } | undefined;
    step[v].push(
      await time(async () => {
        snap = await impl.snapshot(prev.store, "bench", prev.snap, "step");
      }),
    );
    if (!snap || snap.commit === prev.snap.commit) throw new Error("a step recorded no change");
    last[v] = { store: prev.store, snap };
  }
}

const report = (label: string, s: Record<Variant, number[]>) => {
  const [b, a, n] = [summarize(s.before), summarize(s.after), summarize(s.native)];
  const row = {
    before: b,
    after: a,
    native: n,
    beforeRatio: round(b.p50 / n.p50, 2),
    afterRatio: round(a.p50 / n.p50, 2),
  };
  console.log(
    `  ${label.padEnd(6)} before p50 ${ms(b.p50)} (${row.beforeRatio}×)  after p50 ${ms(a.p50)} (${row.afterRatio}×)  native p50 ${ms(n.p50)}`,
  );
  return row;
};
const result = {
  first: report("first", first),
  step: report("step", step),
  namespace: summarize(namespace),
  stepNativeU: summarize(nativeU),
};
console.log(
  `  native step with add -u p50 ${ms(result.stepNativeU.p50)}: after / that ${round(result.step.after.p50 / result.stepNativeU.p50, 2)}×`,
);
console.log(`  namespace alone (isolated \`true\`) p50 ${ms(result.namespace.p50)}`);
const file = writeResult("checkpoints-before-after", {
  before,
  files: FILES,
  n: N,
  firstN: FIRST,
  ...result,
});
console.log(`wrote ${path.relative(ROOT, file)} (load ${machine().loadavg.join(" ")})`);
rmSync(root, { recursive: true, force: true });
process.exit(0);
