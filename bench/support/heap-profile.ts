/** The sampling heap profiler's view of what a stretch of work promoted to the old generation. */
import { round } from "./stats";

/**
 * HeapProfiler.startSampling parameters that keep the samples of objects that survived scavenges
 * (collected later by a full GC, or still alive) and drop those a scavenge collected: what raises
 * the old generation, and with it RSS.
 */
export const PROMOTED_SAMPLING = {
  samplingInterval: 16 * 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: false,
};

/**
 * The same with the objects scavenges collected kept too: everything allocated, short-lived or not.
 * The young generation grows with the allocation rate, so this is what the peak follows once little
 * is promoted (docs/benchmarks.md §19).
 */
export const ALLOCATED_SAMPLING = { ...PROMOTED_SAMPLING, includeObjectsCollectedByMinorGC: true };

export interface SampleNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampleNode[];
}

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Where the code is, short: the repository's own files by path, dependencies by package path. */
function place(url: string): string {
  return url
    .replace(/^.*\/node_modules\//, "")
    .replace(/^file:\/\//, "")
    .replace(/^.*\/(lib|app|bench|components)\//, "$1/");
}

/**
 * Bytes by the innermost frame of the app's own code and the dependency frame below it; with
 * `depth`, by the innermost `depth` frames instead (a production build's chunks are not app paths).
 */
export function promotedByFrame(profile: { head: SampleNode }, depth = 0): [string, number][] {
  const byFrame = new Map<string, number>();
  const walk = (node: SampleNode, ours: string, stack: string[]): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || "(anonymous)";
    const mine = /\/(lib|app|bench|components)\//.test(url) && !url.includes("node_modules");
    const here = mine ? `${name} ${place(url)}` : ours;
    const frame = `${name} ${place(url)}:${lineNumber + 1}`;
    const path = depth > 0 ? [...stack, frame].slice(-depth) : [];
    const key = depth > 0 ? path.join(" ← ") : mine ? here : `${here} → ${name} ${place(url)}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, here, path);
  };
  walk(profile.head, "(root)", []);
  return [...byFrame].sort((a, b) => b[1] - a[1]);
}

export function printPromoted(profile: { head: SampleNode }, top = 25, depth = 0, what = "promoted"): void {
  const frames = promotedByFrame(profile, depth);
  const total = frames.reduce((sum, [, bytes]) => sum + bytes, 0);
  console.log(`${what} (sampled): ${mib(total)} MiB`);
  for (const [key, bytes] of frames.slice(0, top))
    if (bytes >= 2 ** 17) console.log(`  ${mib(bytes).toFixed(1).padStart(6)} MiB  ${key}`);
}
