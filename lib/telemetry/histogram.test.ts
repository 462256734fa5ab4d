import { describe, expect, it } from "vitest";
import { Accumulator, bucketOf, histogramFrom, MAX_BUCKET } from "./histogram";

/** Nearest-rank percentile, as toolStats has always defined it. */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] ?? Number.NaN;
}

function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe("duration histograms", () => {
  it("puts every millisecond below 256 in its own bucket and grows monotonically above", () => {
    for (let d = 0; d < 256; d++) expect(bucketOf(d)).toBe(d);
    let previous = -1;
    for (let d = 0; d < 5_000_000; d = Math.floor(d * 1.003) + 1) {
      const b = bucketOf(d);
      expect(b).toBeGreaterThanOrEqual(previous);
      previous = b;
    }
    expect(bucketOf(10 ** 12)).toBe(MAX_BUCKET);
  });

  it("reads exact nearest-rank percentiles for few or small values", () => {
    const values = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    const acc = new Accumulator();
    acc.add(histogramFrom(values));
    expect(acc.percentile(0.5)).toBe(100);
    expect(acc.percentile(0.95)).toBe(190);
    expect(new Accumulator().percentile(0.5)).toBeNull();
  });

  it("stays within 2.2 % above the exact percentile on long-tailed data, merged across parts", () => {
    const random = lcg(7);
    const values = Array.from({ length: 20_000 }, () => Math.round(Math.exp(5 + 2.5 * random())));
    const acc = new Accumulator();
    for (let i = 0; i < values.length; i += 1000) acc.add(histogramFrom(values.slice(i, i + 1000)));
    for (const p of [0.5, 0.9, 0.95, 0.99]) {
      const truth = exact(values, p);
      const got = acc.percentile(p) ?? 0;
      expect(got).toBeGreaterThanOrEqual(truth);
      expect(got / truth).toBeLessThanOrEqual(1.022);
    }
  });
});
