import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { writeSettings } from "@/lib/db/queries/settings";
import { ApiError } from "@/lib/errors";
import { priceSchema, savePrices } from "@/lib/model/prices";
import { networkPolicySchema, sandboxSettingsSchema } from "@/lib/sandbox";
import { modelSettingsSchema, saveModelSettings } from "@/lib/settings/model-config";
import { saveNetworkPolicy } from "@/lib/settings/network-policy";
import { saveSandboxSettings } from "@/lib/settings/sandbox-settings";
import { settingsView } from "@/lib/settings/views";

export const dynamic = "force-dynamic";

const body = modelSettingsSchema.extend({
  prices: z.array(priceSchema).max(500).optional(),
  defaultBudgetUsd: z.number().positive().max(100_000).nullable().optional(),
  network: networkPolicySchema.optional(),
  sandboxAccess: sandboxSettingsSchema.optional(),
});

export const GET = route(async () => Response.json(await settingsView()));

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
    return Response.json(await settingsView());
  },
  { action: "settings.update" },
);
