import type { MaintenanceEstimate, MaintenanceRun } from "@/lib/learning/views";
import { formatBudget, formatCost, formatTokens } from "../format";

/** What a battery change will roughly cost, in a sentence: from earlier passes, or only its limits. */
export function costText(e: MaintenanceEstimate): string {
  const limits = `It stops at ${e.budgetUsd === null ? "no budget (none is set)" : `its ${formatBudget(e.budgetUsd)} budget`} or after ${e.stepLimit} steps, whichever comes first.`;
  if (e.earlierPasses === 0 || e.averageCostUsd === null || e.averageTokens === null)
    return `No earlier pass to estimate from. ${limits}`;
  const passes = e.earlierPasses === 1 ? "the last pass" : `the last ${e.earlierPasses} passes`;
  const tokens = `${formatTokens(Math.round(e.averageTokens))} tokens`;
  return e.averageCostUsd > 0
    ? `Roughly ${formatCost(e.averageCostUsd)} and ${tokens}, the average of ${passes}. ${limits}`
    : `Roughly ${tokens}, the average of ${passes}; no cost was recorded (no price is set for ${e.model} in Settings). ${limits}`;
}

/** The board as the pass will see it. */
export function boardText(e: MaintenanceEstimate): string {
  if (e.openItems === 0) return "The board has no open items: the pass can only add new ones.";
  const open = `${e.openItems} open ${e.openItems === 1 ? "item" : "items"} (to do and in progress)`;
  return e.smallOpenItems > 0
    ? `${open}, ${e.smallOpenItems} of small effort: it must act on the top one.`
    : `${open}, none of small effort.`;
}

/**
 * How a finished pass reads in the history: "completed" is only good news when it acted on
 * something; a pass that acted on no small item is a warning, whatever its session says.
 */
export function runOutcome(
  run: Pick<MaintenanceRun, "status" | "smallItemsActed" | "analysis" | "results">,
): {
  tone: "good" | "warn" | null;
  warning: string | null;
} {
  if (run.status !== "completed") return { tone: null, warning: null };
  const acted = run.smallItemsActed ?? run.results?.smallItemsActed ?? 0;
  if (acted > 0) return { tone: "good", warning: null };
  const top = run.analysis?.topSmallItem;
  return {
    tone: "warn",
    warning: top
      ? `Acted on 0 small items: “${top.title}” was left as it was.`
      : "Acted on 0 small items: none was open, so the pass had no small item to act on.",
  };
}
