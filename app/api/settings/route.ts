import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { readJson, route } from "@/lib/api/handler";
import { writeSettings } from "@/lib/db/queries/settings";
import { loadPrices, priceSchema, savePrices } from "@/lib/model/prices";
import {
  describeNetworkPolicy,
  networkPolicySchema,
  type SandboxSettings,
  sandboxSettingsSchema,
  sandboxStatus,
  taskCapSupport,
} from "@/lib/sandbox";
import { loadDefaultBudget } from "@/lib/settings/budget";
import {
  keyHint,
  loadModelConfig,
  modelSettingsSchema,
  saveModelSettings,
} from "@/lib/settings/model-config";
import { readNetworkPolicy, saveNetworkPolicy } from "@/lib/settings/network-policy";
import { readSandboxSettings, saveSandboxSettings } from "@/lib/settings/sandbox-settings";
import { workspacesView } from "@/lib/workspaces/roots";

export const dynamic = "force-dynamic";

const body = modelSettingsSchema.extend({
  prices: z.array(priceSchema).max(500).optional(),
  defaultBudgetUsd: z.number().positive().max(100_000).nullable().optional(),
  network: networkPolicySchema.optional(),
  sandboxAccess: sandboxSettingsSchema.optional(),
});

function sandboxView(network: z.infer<typeof networkPolicySchema>, access: SandboxSettings) {
  const status = sandboxStatus();
  const cap = taskCapSupport();
  return {
    mode: status.mode,
    reason: status.reason,
    network,
    networkDescription: describeNetworkPolicy(network),
    access,
    taskCap:
      cap.kind === "none" ? { enforced: false, detail: cap.reason } : { enforced: true, detail: cap.kind },
  };
}

async function view() {
  const config = await loadModelConfig();
  const { apiKey, ...rest } = config;
  return {
    model: { ...rest, apiKeySet: Boolean(apiKey), apiKeyHint: keyHint(apiKey) },
    prices: await loadPrices(),
    defaultBudgetUsd: await loadDefaultBudget(),
    sandbox: sandboxView(await readNetworkPolicy(), await readSandboxSettings()),
    // changed through PUT /api/settings/workspace-roots (admin, audited on its own)
    workspaces: await workspacesView(),
  };
}

export const GET = route(async () => Response.json(await view()));

export const PUT = route(
  async (request, _params, { audit }) => {
    const { prices, defaultBudgetUsd, network, sandboxAccess, ...model } = await readJson(request, body);
    if (sandboxAccess) {
      // checked before anything is saved: a bad read path changes nothing
      const problems = await saveSandboxSettings(sandboxAccess);
      if (problems.length) throw new ApiError("unprocessable", `Not saved: ${problems.join("; ")}.`);
    }
    await saveModelSettings(model);
    if (network) await saveNetworkPolicy(network);
    if (prices) await savePrices(prices);
    if (defaultBudgetUsd !== undefined) await writeSettings({ defaultBudgetUsd });
    // audit() redacts apiKey; prices are summarized by count
    await audit(null, {
      model,
      ...(network ? { network } : {}),
      ...(sandboxAccess ? { sandboxAccess } : {}),
      ...(prices ? { prices: prices.length } : {}),
      ...(defaultBudgetUsd !== undefined ? { defaultBudgetUsd } : {}),
    });
    return Response.json(await view());
  },
  { action: "settings.update" },
);
