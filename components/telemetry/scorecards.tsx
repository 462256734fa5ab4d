import type { HypothesisCard, VersionScorecard, VersionStats } from "@/lib/telemetry/views";
import { formatDuration, formatPercent } from "../format";
import { cn } from "../ui/cn";
import { TD, TH } from "./section";

function delta(
  current: number | null,
  parent: number | null,
  kind: "rate" | "ms",
): { text: string; tone: string } | null {
  if (current === null || parent === null) return null;
  if (kind === "rate") {
    const points = (current - parent) * 100;
    if (Math.abs(points) < 0.05) return { text: "±0", tone: "text-faint" };
    return {
      text: `${points > 0 ? "+" : "−"}${Math.abs(points).toFixed(1)} pt`,
      tone: points > 0 ? "text-emerald-300" : "text-red-300",
    };
  }
  if (parent === 0) return null;
  const ratio = current / parent;
  if (Math.abs(ratio - 1) < 0.005) return { text: "±0", tone: "text-faint" };
  return {
    text: `${ratio > 1 ? "+" : "−"}${Math.abs((ratio - 1) * 100).toFixed(0)}%`,
    tone: ratio > 1 ? "text-red-300" : "text-emerald-300",
  };
}

function Cell({
  current,
  parent,
  kind,
}: {
  current: number | null;
  parent: number | null;
  kind: "rate" | "ms";
}) {
  const d = delta(current, parent, kind);
  return (
    <td className={cn(TD, "whitespace-nowrap text-right tabular-nums")}>
      <span className="text-fg">{kind === "rate" ? formatPercent(current) : formatDuration(current)}</span>
      {parent !== null ? (
        <span className="ml-1.5 text-faint text-xs">
          vs {kind === "rate" ? formatPercent(parent) : formatDuration(parent)}
        </span>
      ) : null}
      {d ? <span className={cn("ml-1.5 text-xs", d.tone)}>{d.text}</span> : null}
    </td>
  );
}

function calls(stats: VersionStats | null) {
  return stats ? stats.calls.toLocaleString() : "—";
}

/** Before/after per tool version: each version's calls against its parent's. */
export function VersionScorecards({ versions }: { versions: VersionScorecard[] }) {
  if (versions.length === 0)
    return <p className="text-muted">No agent or user tool versions have been called yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-panel">
      <table className="w-full border-collapse text-left" data-testid="scorecards-table">
        <caption className="sr-only">
          Each tool version against the version it replaced, over all their calls
        </caption>
        <thead className="border-line border-b">
          <tr>
            <th scope="col" className={TH}>
              Tool
            </th>
            <th scope="col" className={TH}>
              Version
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Calls (vs parent)
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              Success
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              p50
            </th>
            <th scope="col" className={cn(TH, "text-right")}>
              p95
            </th>
            <th scope="col" className={TH}>
              Verdict
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr
              key={`${v.tool}:${v.current.version}`}
              data-testid="scorecard-row"
              className="border-line border-b last:border-b-0"
            >
              <th scope="row" className={cn(TD, "font-medium font-mono text-fg text-sm")}>
                {v.tool}
              </th>
              <td className={cn(TD, "whitespace-nowrap font-mono text-muted text-sm")}>
                {v.current.version}
                {v.parent ? <span className="text-faint"> ← {v.parent.version}</span> : null}
                {v.status ? <span className="ml-1.5 font-sans text-faint text-xs">{v.status}</span> : null}
              </td>
              <td className={cn(TD, "whitespace-nowrap text-right text-muted tabular-nums")}>
                {calls(v.current)}
                {v.parent ? <span className="text-faint text-xs"> / {calls(v.parent)}</span> : null}
              </td>
              <Cell current={v.current.successRate} parent={v.parent?.successRate ?? null} kind="rate" />
              <Cell current={v.current.p50Ms} parent={v.parent?.p50Ms ?? null} kind="ms" />
              <Cell current={v.current.p95Ms} parent={v.parent?.p95Ms ?? null} kind="ms" />
              <td
                className={cn(
                  TD,
                  "text-sm",
                  v.regressed ? "text-amber-300" : v.improved ? "text-emerald-300" : "text-muted",
                )}
              >
                {v.verdict}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const VERDICT_TONE: Record<string, string> = {
  validated: "border-emerald-400/30 bg-emerald-400/10 text-emerald-300",
  invalidated: "border-red-400/30 bg-red-400/10 text-red-300",
  pending: "border-line-strong bg-panel-2 text-muted",
};

function figure(metric: string, value: number | null): string {
  if (value === null) return "—";
  return /rate|ratio|coverage/.test(metric) && value <= 1 ? formatPercent(value) : value.toLocaleString();
}

/** Hypotheses the maintenance pass made, with their verdicts and, for tool versions, the live before/after. */
export function HypothesisScorecards({ hypotheses }: { hypotheses: HypothesisCard[] }) {
  return (
    <div className="grid gap-3 md:grid-cols-2" data-testid="hypotheses">
      {hypotheses.map((h) => (
        <article key={h.id} data-testid="hypothesis" className="rounded-lg border border-line bg-panel p-4">
          <div className="flex items-start justify-between gap-3">
            <p className="text-fg">{h.claim}</p>
            <span
              className={cn(
                "shrink-0 rounded border px-1.5 py-px font-medium text-[10px] uppercase tracking-wide",
                VERDICT_TONE[h.verdict] ?? VERDICT_TONE.pending,
              )}
            >
              {h.verdict}
            </span>
          </div>
          <dl className="mt-3 grid grid-cols-4 gap-2 text-sm">
            <div>
              <dt className="text-faint text-xs">subject</dt>
              <dd className="truncate font-mono text-muted">{h.subject}</dd>
            </div>
            <div>
              <dt className="text-faint text-xs">baseline</dt>
              <dd className="text-muted tabular-nums">{figure(h.metric, h.baseline)}</dd>
            </div>
            <div>
              <dt className="text-faint text-xs">target ({h.comparator === "lte" ? "≤" : "≥"})</dt>
              <dd className="text-muted tabular-nums">{figure(h.metric, h.target)}</dd>
            </div>
            <div>
              <dt className="text-faint text-xs">observed</dt>
              <dd className="text-fg tabular-nums">{figure(h.metric, h.observed)}</dd>
            </div>
          </dl>
          {h.scorecard?.parent ? (
            <p className="mt-2 text-faint text-xs">
              Live: {h.scorecard.current.version} {formatPercent(h.scorecard.current.successRate)} ok over{" "}
              {h.scorecard.current.calls.toLocaleString()} calls vs {h.scorecard.parent.version}{" "}
              {formatPercent(h.scorecard.parent.successRate)} over {h.scorecard.parent.calls.toLocaleString()}{" "}
              — {h.scorecard.verdict}.
            </p>
          ) : null}
        </article>
      ))}
    </div>
  );
}
