/** Small helpers shared by the benchmarks: percentiles, machine description, JSON results. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const RESULTS_DIR = path.join(ROOT, "bench/results");

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    n: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(total / Math.max(1, sorted.length)),
  };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  memGiB: number;
  /** 1/5/15-minute load averages when the result was written: other work on the box skews figures. */
  loadavg: number[];
}

export function machine(): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    memGiB: round(os.totalmem() / 2 ** 30, 1),
    loadavg: os.loadavg().map((v) => round(v, 2)),
  };
}

/** What was measured: the commit, uncommitted app changes, and the .next build the browser benchmarks ran. */
export function provenance(): {
  commit: string;
  dirtyAppSources: boolean;
  buildId: string | null;
  builtAt: string | null;
} {
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      return "";
    }
  };
  const buildIdFile = path.join(ROOT, ".next/BUILD_ID");
  const built = existsSync(buildIdFile);
  return {
    commit: git(["rev-parse", "--short", "HEAD"]) || "unknown",
    dirtyAppSources: git(["status", "--porcelain", "--", "app", "components", "lib"]).length > 0,
    buildId: built ? readFileSync(buildIdFile, "utf8").trim() : null,
    builtAt: built ? statSync(buildIdFile).mtime.toISOString() : null,
  };
}

/** Writes bench/results/<name>.json and returns its path. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const body = {
    benchmark: name,
    at: new Date().toISOString(),
    machine: machine(),
    provenance: provenance(),
    ...result,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/**
 * Benchmarks must end by themselves: past `limitMs`, or on SIGINT/SIGTERM, run `cleanup` (stop the
 * app server, the browser, the model server) and exit non-zero.
 */
export function deadline(limitMs: number, label: string, cleanup?: () => Promise<void>): void {
  let stopping = false;
  const stop = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.error(`${label}: ${why}`);
    const forced = setTimeout(() => process.exit(code), 10_000);
    forced.unref();
    void (cleanup ? cleanup() : Promise.resolve()).catch(() => {}).finally(() => process.exit(code));
  };
  setTimeout(() => stop(`gave up after ${Math.round(limitMs / 1000)} s`, 3), limitMs).unref();
  process.once("SIGINT", () => stop("interrupted", 130));
  process.once("SIGTERM", () => stop("terminated", 143));
}
