/**
 * Duration histograms with log-scale buckets, so percentiles can be merged across days without keeping
 * every row. Below 256 ms each millisecond is its own bucket (exact); above, a bucket spans 1/32 of a
 * doubling (≈ 2.2 %), and each bucket keeps the largest duration it saw. A percentile is read as that
 * maximum of the bucket holding the nearest rank: exact when the bucket holds one distinct value, and
 * never more than 2.2 % above the exact nearest-rank value otherwise.
 *
 * The SQL side computes the same bucket (lib/db/queries/telemetry.ts, BUCKET_SQL).
 */

export const EXACT_BELOW_MS = 256;
/** 32 / ln 2: buckets per natural-log unit (bucketOf(256) = 256, so the two ranges join up). */
export const BUCKETS_PER_LN = 46.16624130844683;
/** Bucket index of 2^25 ms (≈ 9.3 hours); anything longer shares the last bucket. */
export const MAX_BUCKET = Math.floor(Math.log(2 ** 25) * BUCKETS_PER_LN);

export function bucketOf(durationMs: number): number {
  if (durationMs < EXACT_BELOW_MS) return Math.max(0, Math.floor(durationMs));
  return Math.min(MAX_BUCKET, Math.floor(Math.log(durationMs) * BUCKETS_PER_LN));
}

/** A sparse histogram: parallel arrays sorted by bucket. */
export interface Histogram {
  buckets: number[];
  counts: number[];
  maxes: number[];
}

export function emptyHistogram(): Histogram {
  return { buckets: [], counts: [], maxes: [] };
}

export function histogramFrom(values: readonly number[]): Histogram {
  const acc = new Accumulator();
  for (const v of values) acc.addBucket(bucketOf(v), 1, v);
  return acc.toHistogram();
}

/** Dense accumulator for merging many sparse histograms. */
export class Accumulator {
  private readonly counts = new Float64Array(MAX_BUCKET + 1);
  private readonly maxes = new Float64Array(MAX_BUCKET + 1);
  total = 0;

  addBucket(bucket: number, count: number, max: number): void {
    const b = Math.min(MAX_BUCKET, Math.max(0, bucket));
    this.counts[b] = (this.counts[b] ?? 0) + count;
    if (max > (this.maxes[b] ?? 0)) this.maxes[b] = max;
    this.total += count;
  }

  add(histogram: Histogram): void {
    const { buckets, counts, maxes } = histogram;
    for (let i = 0; i < buckets.length; i++) this.addBucket(buckets[i] ?? 0, counts[i] ?? 0, maxes[i] ?? 0);
  }

  /** Nearest-rank percentile (p in 0..1), read as the maximum of its bucket; null when empty. */
  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(p * this.total));
    let seen = 0;
    for (let b = 0; b <= MAX_BUCKET; b++) {
      seen += this.counts[b] ?? 0;
      if (seen >= rank) return this.maxes[b] ?? 0;
    }
    return null;
  }

  toHistogram(): Histogram {
    const out = emptyHistogram();
    for (let b = 0; b <= MAX_BUCKET; b++) {
      const count = this.counts[b] ?? 0;
      if (count === 0) continue;
      out.buckets.push(b);
      out.counts.push(count);
      out.maxes.push(this.maxes[b] ?? 0);
    }
    return out;
  }
}

export function percentiles(histograms: Iterable<Histogram>): { p50: number | null; p95: number | null } {
  const acc = new Accumulator();
  for (const h of histograms) acc.add(h);
  return { p50: acc.percentile(0.5), p95: acc.percentile(0.95) };
}
