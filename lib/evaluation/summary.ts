/**
 * The arithmetic of an evaluation, pure: what one replay measured, each arm's means, whether the
 * difference between the arms is bigger than the model's own noise, what a run is expected to cost,
 * and when the budget stops it. docs/evaluation.md states the same rules in words.
 */

export type Arm = "baseline" | "candidate";

/** What one replay of one case in one arm measured. `passed` null: no verdict (a rubric nobody judged). */
export interface RunMeasure {
  caseTurnId: string;
  arm: Arm;
  repeat: number;
  passed: boolean | null;
  steps: number;
  tokens: number;
  costUsd: number;
  wallMs: number;
  failedCalls: number;
  frictions: number;
}

export const MEASURES = ["steps", "tokens", "costUsd", "wallMs", "failedCalls", "frictions"] as const;
export type Measure = (typeof MEASURES)[number];

export interface ArmSummary {
  runs: number;
  /** Runs with a verdict, and how many of them passed. */
  judged: number;
  passed: number;
  means: Record<Measure, number>;
}

export interface NoiseVerdict {
  /** candidate − baseline, of the means. */
  difference: number;
  /** The spread the same arm shows between repeats of the same case (mean of max − min). */
  noise: number;
  /** null: a single repeat per case shows no spread, so noise cannot be told apart. */
  withinNoise: boolean | null;
}

export interface EvaluationSummary {
  baseline: ArmSummary;
  candidate: ArmSummary;
  /** Per measure, and for the pass rate (as 0..1). */
  noise: Record<Measure | "passRate", NoiseVerdict>;
  /** The change made no difference beyond noise on any measure (null: not enough repeats to say). */
  withinNoise: boolean | null;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

function armSummary(runs: readonly RunMeasure[]): ArmSummary {
  const judged = runs.filter((r) => r.passed !== null);
  const means = Object.fromEntries(MEASURES.map((m) => [m, mean(runs.map((r) => r[m]))])) as Record<
    Measure,
    number
  >;
  return { runs: runs.length, judged: judged.length, passed: judged.filter((r) => r.passed).length, means };
}

/** Groups runs by case and arm: the repeats of one case in one arm. */
function repeatsByCell(runs: readonly RunMeasure[]): RunMeasure[][] {
  const cells = new Map<string, RunMeasure[]>();
  for (const run of runs) {
    const key = `${run.caseTurnId}\0${run.arm}`;
    const cell = cells.get(key) ?? [];
    cell.push(run);
    cells.set(key, cell);
  }
  return [...cells.values()];
}

/**
 * The noise rule: replaying the same case in the same arm twice changes only the model's sampling,
 * so the spread between those repeats (max − min, averaged over every case and arm) is what the
 * model does on its own. A difference of the arms' means no larger than that spread is within noise.
 * With one repeat per case there is no spread to compare with: the verdict is null (unknown).
 */
export function noiseVerdict(
  runs: readonly RunMeasure[],
  value: (r: RunMeasure) => number | null,
): NoiseVerdict {
  const valued = runs.filter((r) => value(r) !== null);
  const of = (arm: Arm) => mean(valued.filter((r) => r.arm === arm).map((r) => value(r) ?? 0));
  const difference = of("candidate") - of("baseline");
  const spreads = repeatsByCell(valued)
    .filter((cell) => cell.length >= 2)
    .map((cell) => {
      const xs = cell.map((r) => value(r) ?? 0);
      return Math.max(...xs) - Math.min(...xs);
    });
  if (spreads.length === 0) return { difference, noise: 0, withinNoise: null };
  const noise = mean(spreads);
  return { difference, noise, withinNoise: Math.abs(difference) <= noise };
}

export function summarize(runs: readonly RunMeasure[]): EvaluationSummary {
  const noise = Object.fromEntries(MEASURES.map((m) => [m, noiseVerdict(runs, (r) => r[m])])) as Record<
    Measure,
    NoiseVerdict
  >;
  const passRate = noiseVerdict(runs, (r) => (r.passed === null ? null : r.passed ? 1 : 0));
  const all = [...Object.values(noise), passRate];
  const withinNoise = all.some((v) => v.withinNoise === false)
    ? false
    : all.some((v) => v.withinNoise === null)
      ? null
      : true;
  return {
    baseline: armSummary(runs.filter((r) => r.arm === "baseline")),
    candidate: armSummary(runs.filter((r) => r.arm === "candidate")),
    noise: { ...noise, passRate },
    withinNoise,
  };
}

/** What the cases cost when they were recorded, once per planned replay: the estimate shown before start. */
export function estimate(
  cases: ReadonlyArray<{ tokens: number; costUsd: number }>,
  repeats: number,
): { runs: number; tokens: number; costUsd: number } {
  const runs = cases.length * repeats * 2;
  const per = 2 * repeats;
  return {
    runs,
    tokens: cases.reduce((sum, c) => sum + c.tokens * per, 0),
    costUsd: cases.reduce((sum, c) => sum + c.costUsd * per, 0),
  };
}

/**
 * Stop before a replay that would overrun the budget: what is spent plus what the next replay is
 * expected to cost (its case's recorded cost) must stay within it. A replay that costs more than
 * recorded still finishes; the one after it is not started.
 */
export function budgetStops(spentUsd: number, nextUsd: number, budgetUsd: number): boolean {
  return spentUsd + nextUsd > budgetUsd + 1e-9;
}

const fixed1 = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

/** "3.1 steps vs 6.4, tokens −42 %, verifications 5/5 vs 4/5, within noise: no" (candidate first). */
export function figureLine(
  summary: Pick<EvaluationSummary, "baseline" | "candidate" | "withinNoise">,
): string {
  const { baseline: b, candidate: c } = summary;
  const tokens =
    b.means.tokens > 0
      ? `${Math.round(((c.means.tokens - b.means.tokens) / b.means.tokens) * 100)} %`.replace("-", "−")
      : "n/a";
  const signed = tokens.startsWith("−") || tokens === "n/a" || tokens.startsWith("0") ? tokens : `+${tokens}`;
  const noise = summary.withinNoise === null ? "unknown" : summary.withinNoise ? "yes" : "no";
  return `${fixed1(c.means.steps)} steps vs ${fixed1(b.means.steps)}, tokens ${signed}, verifications ${c.passed}/${c.judged} vs ${b.passed}/${b.judged}, within noise: ${noise}`;
}

/** "3.1 steps vs 6.4, within noise: no": the short form a battery change's analysis lists per hypothesis. */
export function shortFigures(
  summary: Pick<EvaluationSummary, "baseline" | "candidate" | "withinNoise">,
): string {
  const noise = summary.withinNoise === null ? "unknown" : summary.withinNoise ? "yes" : "no";
  return `${fixed1(summary.candidate.means.steps)} steps vs ${fixed1(summary.baseline.means.steps)}, within noise: ${noise}`;
}
