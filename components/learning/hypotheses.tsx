import { useState } from "react";
import type { Hypothesis } from "@/lib/learning/views";
import { EvaluationCard } from "../evaluation/evaluation-card";
import { formatAbsoluteTime, formatDuration, formatPercent } from "../format";
import { cn } from "../ui/cn";
import { StatusPill } from "./badges";

function formatMetric(metric: string, value: number | null): string {
  if (value === null || value === undefined) return "—";
  if (metric.startsWith("tool_success_rate")) return formatPercent(value);
  if (metric.startsWith("tool_p50_ms")) return formatDuration(value);
  return value.toFixed(value >= 10 ? 0 : 2);
}

const SUBJECT: Record<string, string> = {
  tool_version: "tool",
  skill: "skill",
  working_memory: "working memory",
};

/** The hypothesis's change replayed on recorded turns: opened on demand (each card reads its evaluations). */
function HypothesisEvaluation({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button
        type="button"
        data-testid="hypothesis-evaluate"
        onClick={() => setOpen(true)}
        className="self-start text-accent-text text-xs hover:underline"
      >
        Evaluation on recorded turns…
      </button>
    );
  return <EvaluationCard subject={{ kind: "hypothesis", id }} label="with its change" />;
}

function Figure({ label, value, tone }: { label: string; value: string; tone?: "good" | "bad" | "muted" }) {
  return (
    <div className="flex min-w-0 flex-col">
      <span className="text-faint text-xs">{label}</span>
      <span
        className={cn(
          "font-semibold text-lg tabular-nums",
          tone === "good"
            ? "text-emerald-300"
            : tone === "bad"
              ? "text-red-300"
              : tone === "muted"
                ? "text-muted"
                : "text-fg",
        )}
      >
        {value}
      </span>
    </div>
  );
}

/** Before/after cards: the metric before the change, what it is now, and the target it had to meet. */
export function HypothesisCards({ hypotheses }: { hypotheses: Hypothesis[] | null }) {
  if (hypotheses === null)
    return <div aria-hidden="true" className="h-32 animate-pulse rounded-lg bg-panel/60" />;
  if (hypotheses.length === 0)
    return (
      <div
        data-testid="hypotheses-empty"
        className="rounded-lg border border-line border-dashed bg-panel/60 px-5 py-6 text-muted"
      >
        No hypotheses yet. A battery change attaches one to each improvement it makes (a tool version, a skill
        edit, a working-memory change): a telemetry metric, a target, and after how many sessions to judge it.
      </div>
    );
  return (
    <ul className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3">
      {hypotheses.map((h) => {
        const symbol = h.comparator === "lte" ? "≤" : "≥";
        const met =
          h.observed === null
            ? null
            : h.comparator === "lte"
              ? h.observed <= h.target
              : h.observed >= h.target;
        return (
          <li
            key={h.id}
            id={`hypothesis-${h.id}`}
            data-testid="hypothesis-card"
            className={cn(
              "flex scroll-mt-4 flex-col gap-3 rounded-lg border bg-panel p-4",
              h.verdict === "invalidated"
                ? "border-red-400/25"
                : h.verdict === "validated"
                  ? "border-emerald-400/20"
                  : "border-line",
            )}
          >
            <div className="flex items-start gap-2">
              <p className="min-w-0 flex-1 font-medium text-fg leading-5">{h.claim}</p>
              <StatusPill status={h.verdict} data-testid="hypothesis-verdict" />
            </div>
            <p className="text-faint text-xs">
              {SUBJECT[h.subjectType] ?? h.subjectType}{" "}
              <span className="font-mono text-muted">{h.subjectRef}</span> ·{" "}
              <span className="font-mono">{h.metric}</span>
            </p>
            <div className="flex items-end gap-3 rounded-md border border-line bg-canvas px-3 py-2">
              <Figure label="Before" value={formatMetric(h.metric, h.baseline)} tone="muted" />
              <span aria-hidden="true" className="pb-1 text-faint">
                →
              </span>
              <Figure
                label={h.verdict === "pending" ? "So far" : "After"}
                value={formatMetric(h.metric, h.observed)}
                tone={met === null ? "muted" : met ? "good" : "bad"}
              />
              <span className="ml-auto flex flex-col items-end">
                <span className="text-faint text-xs">Target</span>
                <span className="font-medium text-fg tabular-nums">
                  {symbol} {formatMetric(h.metric, h.target)}
                </span>
              </span>
            </div>
            <p className="text-faint text-xs">
              {h.verdict === "pending"
                ? `Judged after ${h.evaluateAfter} sessions since ${formatAbsoluteTime(h.startedAt)}.`
                : `Judged ${formatAbsoluteTime(h.evaluatedAt)} over ${h.evaluateAfter} sessions.`}
              {h.opportunityId ? (
                <>
                  {" "}
                  <a href={`#opportunity-${h.opportunityId}`} className="text-accent-text hover:underline">
                    See the opportunity it raised
                  </a>
                  .
                </>
              ) : null}
            </p>
            <HypothesisEvaluation id={h.id} />
          </li>
        );
      })}
    </ul>
  );
}
