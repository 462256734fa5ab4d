import { z } from "zod";
import { readJson, route } from "@/lib/api/handler";
import { writeSettings } from "@/lib/db/queries/settings";
import {
  keyHint,
  loadModelConfig,
  modelSettingsSchema,
  saveModelSettings,
} from "@/lib/settings/model-config";
import { loadDefaultBudget, loadPrices, priceSchema, savePrices } from "@/lib/settings/prices";

export const dynamic = "force-dynamic";

const body = modelSettingsSchema.extend({
  prices: z.array(priceSchema).max(500).optional(),
  defaultBudgetUsd: z.number().positive().max(100_000).nullable().optional(),
});

async function view() {
  const config = await loadModelConfig();
  const { apiKey, ...rest } = config;
  return {
    model: { ...rest, apiKeySet: Boolean(apiKey), apiKeyHint: keyHint(apiKey) },
    prices: await loadPrices(),
    defaultBudgetUsd: await loadDefaultBudget(),
  };
}

export const GET = route(async () => Response.json(await view()));

export const PUT = route(async (request) => {
  const { prices, defaultBudgetUsd, ...model } = await readJson(request, body);
  await saveModelSettings(model);
  if (prices) await savePrices(prices);
  if (defaultBudgetUsd !== undefined) await writeSettings({ defaultBudgetUsd });
  return Response.json(await view());
});
