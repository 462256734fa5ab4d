/**
 * Evaluations (issue 19): the harness's own work around a replayed case that does not depend on the
 * model, on a 1,000-file workspace.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/evaluation-copy.ts [--files 1000] [--n 20]
 *
 * Measured, each in the real sandbox:
 *   copy     the case's turn-start checkpoint written into an empty scratch folder
 *            (lib/checkpoints/store.ts materialise(): read-tree + checkout-index, isolated)
 *   check    the harness's verification in the scratch copy, as replay.ts runs it (runProcess in the
 *            sandbox, private tmp), for a command that does nothing (`true`): the floor of a check
 *   remove   the scratch copy removed
 *   floor    the same copy by plain git outside the sandbox (read-tree + checkout-index): what
 *            writing the files costs on this machine, whoever does it
 * Goal (with the turn's own harness time, bench/turn-start.ts): ≤ 1 s per case, most of it the copy.
 * Not part of CI. Writes bench/results/evaluation-copy.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { materialise, snapshot, storeFor } from "../lib/checkpoints/store";
import { runProcess, sandboxEnv, withPrivateTmp } from "../lib/sandbox";
import { initSandbox } from "../lib/sandbox/sandbox-runtime";
import { deadline, machine, ms, ROOT, round, summarize, writeResult } from "./support/stats";

const { values } = parseArgs({
  options: { files: { type: "string", default: "1000" }, n: { type: "string", default: "20" } },
});
const FILES = Number.parseInt(values.files, 10);
const N = Number.parseInt(values.n, 10);
deadline(10 * 60_000, "evaluation-copy");

const root = mkdtempSync(path.join(os.tmpdir(), "ratchet-bench-evaluation-"));
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

const workspace = path.join(root, "workspace");
for (let i = 0; i < FILES; i++) {
  const sub = path.join(workspace, `src/m${i % 50}/d${i % 7}`);
  mkdirSync(sub, { recursive: true });
  writeFileSync(path.join(sub, `f${i}.ts`), `export const v${i} = ${i};\n${"// filler line\n".repeat(20)}`);
}
const store = storeFor(dataDir, workspace);
const { tree } = await snapshot(store, "bench", null, "turn-start");

const scratch = path.join(root, "scratch");
mkdirSync(scratch);
const copy: number[] = [];
const check: number[] = [];
const remove: number[] = [];
const floor: number[] = [];
for (let i = 0; i < N; i++) {
  const plain = path.join(scratch, `${i}-plain`);
  mkdirSync(plain);
  const env = {
    ...process.env,
    GIT_DIR: store.gitDir,
    GIT_WORK_TREE: plain,
    GIT_INDEX_FILE: path.join(root, `plain-${i}`),
  };
  const f0 = performance.now();
  execFileSync("git", ["read-tree", tree], { env });
  execFileSync("git", ["checkout-index", "-a", "-f"], { env });
  floor.push(performance.now() - f0);
  await rm(plain, { recursive: true, force: true });

  const dir = path.join(scratch, `${i}-candidate-1`);
  mkdirSync(dir);
  let t0 = performance.now();
  await materialise(store, tree, dir, `bench-${i}`);
  copy.push(performance.now() - t0);
  t0 = performance.now();
  const result = await withPrivateTmp((tmp) =>
    runProcess({
      command: "true",
      cwd: dir,
      env: sandboxEnv(tmp),
      sandbox: { writable: [dir, tmp], network: "none", workspace: dir },
      timeoutMs: 60_000,
      modelCapBytes: 64 * 1024,
      streamCapBytes: 1024 * 1024,
    }),
  );
  if (result.exitCode !== 0) throw new Error(`the check did not run: ${result.status} ${result.error ?? ""}`);
  check.push(performance.now() - t0);
  t0 = performance.now();
  await rm(dir, { recursive: true, force: true });
  remove.push(performance.now() - t0);
}
await rm(root, { recursive: true, force: true });

const summary = { copy: summarize(copy), check: summarize(check), remove: summarize(remove) };
const total = summary.copy.p50 + summary.check.p50 + summary.remove.p50;
const plainGit = summarize(floor);
console.log(`evaluation-copy, ${FILES} files, ${N} rounds (p50 / p95):`);
for (const [name, s] of Object.entries(summary))
  console.log(`  ${name.padEnd(7)} ${ms(s.p50)} / ${ms(s.p95)}`);
console.log(`  total   ${ms(total)} p50 per case, besides the turn itself`);
console.log(`  floor   ${ms(plainGit.p50)} / ${ms(plainGit.p95)} (the copy by plain git, unsandboxed)`);
writeResult("evaluation-copy", {
  files: FILES,
  n: N,
  machine: machine(),
  ...summary,
  floor: plainGit,
  totalP50Ms: round(total),
});
