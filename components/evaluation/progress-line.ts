import type { EvaluationProgress, EvaluationView } from "@/lib/evaluation/views";

export const STATUS_TEXT: Record<EvaluationView["status"], string> = {
  queued: "Queued",
  running: "Running",
  completed: "Finished",
  cancelled: "Cancelled",
  budget_stopped: "Stopped at its budget",
  failed: "Failed",
};

export const usd = (n: number) => `$${n.toFixed(n < 1 ? 3 : 2)}`;
export const live = (status: EvaluationView["status"] | undefined) =>
  status === "queued" || status === "running";

/** "replay 3 of 12: case 2 of 3, candidate, repeat 1 of 2 · $0.020 of $1.00 spent" */
export function progressLine(p: EvaluationProgress): string {
  const where = p.current
    ? `replay ${p.done + 1} of ${p.total}: case ${p.current.case} of ${p.current.cases}, ${p.current.arm}, repeat ${p.current.repeat} of ${p.current.repeats}`
    : `${p.done} of ${p.total} replays done`;
  return `${STATUS_TEXT[p.status]} · ${where} · ${usd(p.spentUsd)} of ${usd(p.budgetUsd)} spent`;
}
