import { readJson, route } from "@/lib/api/handler";
import { loadModelConfig, modelSettingsSchema } from "@/lib/settings/model-config";
import { listModels } from "@/lib/settings/model-list";
import type { ModelListReport } from "@/lib/settings/views";

export const dynamic = "force-dynamic";

/** The models the endpoint lists: the saved endpoint and key, overridden by the form's unsaved values. */
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
    return Response.json((await listModels(config)) satisfies ModelListReport);
  },
  { action: "settings.test" },
);
