import { recentPassSpend } from "@/lib/db/queries/maintenance";
import { countOpenOpportunities, listSmallOpenOpportunities } from "@/lib/db/queries/opportunities";
import { loadModelConfig } from "@/lib/settings/model-config";
import { loadWorkspacePolicy } from "@/lib/workspaces/policy";
import { loadMaintenanceSettings } from "./pass";

/**
 * What a battery change will do and roughly cost, said before it starts: from what the latest
 * passes spent (their sessions' recorded tokens and cost), else only its limits.
 */
export async function maintenanceEstimate() {
  const [settings, spend, policy, config, openItems, small] = await Promise.all([
    loadMaintenanceSettings(),
    recentPassSpend(5),
    loadWorkspacePolicy(),
    loadModelConfig(),
    countOpenOpportunities(),
    listSmallOpenOpportunities(),
  ]);
  const average = (values: number[]) =>
    values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : null;
  return {
    model: config.model,
    /** The folder its session works in: the default workspace, never Ratchet's own folder. */
    workspace: policy.defaultWorkspace,
    budgetUsd: settings.budgetUsd,
    stepLimit: settings.stepLimit,
    earlierPasses: spend.length,
    averageTokens: average(spend.map((s) => s.inputTokens + s.outputTokens)),
    averageCostUsd: average(spend.map((s) => s.costUsd)),
    openItems,
    smallOpenItems: small.length,
  };
}
export type MaintenanceEstimate = Awaited<ReturnType<typeof maintenanceEstimate>>;
