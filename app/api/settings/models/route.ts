import { readJson, route } from "@/lib/api/handler";
import { endpointOf } from "@/lib/model/client";
import { factsFor, saveEndpointFigures } from "@/lib/model/prices";
import { loadModelConfig, modelSettingsSchema } from "@/lib/settings/model-config";
import { loadFactSources } from "@/lib/settings/model-facts";
import { listModels } from "@/lib/settings/model-list";
import type { ModelListReport } from "@/lib/settings/views";

export const dynamic = "force-dynamic";

/**
 * The models the endpoint lists: the saved endpoint and key, overridden by the form's unsaved values.
 * What the endpoint says of their windows and prices is kept for turns on that endpoint, and each
 * model comes back with its figures as a turn would resolve them (person > endpoint > table).
 */
export const POST = route(
  async (request, _params, { audit }) => {
    const draft = await readJson(request, modelSettingsSchema);
    const saved = await loadModelConfig();
    const config = {
      baseUrl: draft.baseUrl === undefined ? saved.baseUrl : draft.baseUrl,
      apiKey: draft.apiKey ? draft.apiKey : saved.apiKey,
    };
    // like the connection test, this sends the saved key to the endpoint named here
    await audit(null, { baseUrl: config.baseUrl, models: true });
    const report = await listModels(config);
    const endpoint = endpointOf(config);
    if (report.ok) await saveEndpointFigures({ endpoint, models: report.figures ?? {} });
    const sources = await loadFactSources(saved);
    const facts = report.models.map((model) => factsFor(model, endpoint, sources));
    return Response.json({ ...report, facts } satisfies ModelListReport);
  },
  { action: "settings.test" },
);
