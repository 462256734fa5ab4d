/**
 * Self time of a CPU profile taken in Chromium over CDP (`Profiler.stop`'s profile), by function and
 * by script. The app's chunks are minified, so a function is named with its chunk and column: open
 * `.next/static/chunks/<chunk>` at that column to see which module it is.
 */
import type { CDPSession } from "@playwright/test";
import { round } from "./stats";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface PageProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Starts Chromium's sampling profiler on the page behind `cdp` (100 µs between samples). */
export async function startPageProfile(cdp: CDPSession): Promise<void> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
}

export async function stopPageProfile(cdp: CDPSession): Promise<PageProfile> {
  const { profile } = await cdp.send("Profiler.stop");
  await cdp.send("Profiler.disable");
  return profile as PageProfile;
}

function scriptOf(url: string): string {
  if (!url) return "(native or idle)";
  const chunk = /\/_next\/static\/(.+)$/.exec(url);
  return chunk ? (chunk[1] ?? url) : url;
}

/** Self time (ms) by script and by function, largest first, and the profile's whole span. */
export function pageSelfTime(profile: PageProfile, top = 25) {
  const byScript = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const add = (m: Map<string, number>, key: string, ms: number) => m.set(key, (m.get(key) ?? 0) + ms);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const n = node.get(id);
    if (!n) return;
    // a sample's time is the gap to the next one
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const { functionName, url, lineNumber, columnNumber } = n.callFrame;
    const script = scriptOf(url);
    add(byScript, script, ms);
    const where = url ? ` ${script}:${lineNumber + 1}:${columnNumber + 1}` : "";
    add(byFunction, `${functionName || "(anonymous)"}${where}`, ms);
  });
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => [key, round(ms, 1)] as const);
  return {
    spanMs: round((profile.endTime - profile.startTime) / 1000, 1),
    byScript: sorted(byScript),
    byFunction: sorted(byFunction),
  };
}
