/** Pure rules for the Telemetry charts: when a line needs its points drawn, and the cost axis. */

/**
 * Whether a line should draw its points: a line is drawn between values, so a series with a single
 * value (a first day of use, or one busy day in a quiet month) would otherwise draw nothing at all.
 */
export function needsDots(values: ReadonlyArray<number | null | undefined>): boolean {
  let present = 0;
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v)) present++;
  return present < 2;
}

export interface MoneyAxis {
  /** Tick values from 0 up to the first tick at or above the largest value. */
  ticks: number[];
  /** The axis' top. */
  top: number;
  /** A tick's label: as many decimals as the step needs, so no two ticks read the same. */
  format(usd: number): string;
}

const STEPS = [1, 2, 2.5, 5, 10];

/** The smallest "round" step (1, 2, 2.5 or 5 × a power of ten) at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return (STEPS.find((s) => s * power >= raw - 1e-12) ?? 10) * power;
}

/** Decimals that write `n` exactly (a nice step has a few at most). */
function decimalsOf(n: number): number {
  for (let d = 0; d < 10; d++) {
    const scaled = n * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return d;
  }
  return 10;
}

/**
 * Ticks for a dollar axis of small amounts: a session costs fractions of a cent, which two decimals
 * show as "$0.00" on every tick. About `count` steps from 0; decimals follow the step (at least 2).
 */
export function moneyAxis(values: ReadonlyArray<number | null | undefined>, count = 4): MoneyAxis {
  let max = 0;
  for (const v of values) if (v !== null && v !== undefined && Number.isFinite(v) && v > max) max = v;
  // nothing spent: a plain scale of one cent
  const step = max > 0 ? niceStep(max / count) : 0.01;
  const ticks = [0];
  while ((ticks.at(-1) ?? 0) < max - 1e-12) ticks.push(Number((ticks.length * step).toPrecision(12)));
  if (ticks.length === 1) ticks.push(step);
  const decimals = Math.max(2, decimalsOf(step));
  return {
    ticks,
    top: ticks.at(-1) ?? step,
    format: (usd) => `$${usd.toFixed(decimals)}`,
  };
}
