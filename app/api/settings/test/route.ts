import { readJson, route } from "@/lib/api/handler";
import { loadModelConfig, modelSettingsSchema } from "@/lib/settings/model-config";
import { testConnection } from "@/lib/settings/test-connection";
import type { ConnectionReport } from "@/lib/settings/views";

export const dynamic = "force-dynamic";

/** Tests the saved configuration, overridden by any unsaved values from the form. */
export const POST = route(
  async (request, _params, { audit }) => {
    const draft = await readJson(request, modelSettingsSchema);
    const saved = await loadModelConfig();
    const config = {
      baseUrl: draft.baseUrl === undefined ? saved.baseUrl : draft.baseUrl,
      apiKey: draft.apiKey ? draft.apiKey : saved.apiKey,
      model: draft.model ?? saved.model,
      api: draft.api ?? saved.api,
      provider: draft.provider ?? saved.provider,
    };
    // The saved key goes to the endpoint named here: who sent it where is worth keeping.
    await audit(null, { baseUrl: config.baseUrl, model: config.model, api: config.api });
    return Response.json((await testConnection(config)) satisfies ConnectionReport);
  },
  { action: "settings.test" },
);
